declare var process: any;
process.exit(3);
