declare var require: any;
declare var process: any;
const s: string = require("fs").readFileSync(0, "utf8").trim();
console.log("hello " + s);
