import std.stdio, std.string;

void main() {
    writeln("hello ", readln().strip());
}
