// Judge0 language names ("Python (3.11.2)", "C++ (GCC 12.2.0)") to CodeMirror modes and starters.
// Each mode is its own chunk, loaded when its language is picked, so the first load stays small.
const legacy = (load) => async () => {
  const [{ StreamLanguage }, mode] = await Promise.all([import('@codemirror/language'), load()]);
  return StreamLanguage.define(mode);
};

const families = [
  { test: /^C\+\+/, key: 'cpp', mode: async () => (await import('@codemirror/lang-cpp')).cpp() },
  { test: /^C \(|^C$/, key: 'c', mode: async () => (await import('@codemirror/lang-cpp')).cpp() },
  { test: /^C#/, key: 'csharp', mode: legacy(async () => (await import('@codemirror/legacy-modes/mode/clike')).csharp) },
  { test: /^Python \(2/, key: 'python2', mode: async () => (await import('@codemirror/lang-python')).python() },
  { test: /^Python/, key: 'python', mode: async () => (await import('@codemirror/lang-python')).python() },
  { test: /^JavaScript/, key: 'javascript', mode: async () => (await import('@codemirror/lang-javascript')).javascript() },
  { test: /^TypeScript/, key: 'typescript', mode: async () => (await import('@codemirror/lang-javascript')).javascript({ typescript: true }) },
  { test: /^Java\b(?!Script)/, key: 'java', mode: async () => (await import('@codemirror/lang-java')).java() },
  { test: /^Bash|^Shell/, key: 'bash', mode: legacy(async () => (await import('@codemirror/legacy-modes/mode/shell')).shell) },
  { test: /^Go\b/, key: 'go', mode: async () => (await import('@codemirror/lang-go')).go() },
  { test: /^Rust/, key: 'rust', mode: async () => (await import('@codemirror/lang-rust')).rust() },
  { test: /^PHP/, key: 'php', mode: async () => (await import('@codemirror/lang-php')).php() },
  { test: /^Ruby/, key: 'ruby', mode: legacy(async () => (await import('@codemirror/legacy-modes/mode/ruby')).ruby) },
  { test: /^Perl/, key: 'perl', mode: legacy(async () => (await import('@codemirror/legacy-modes/mode/perl')).perl) },
  { test: /^SQL/, key: 'sql', mode: async () => { const m = await import('@codemirror/lang-sql'); return m.sql({ dialect: m.SQLite }); } },
  { test: /^Kotlin/, key: 'kotlin', mode: legacy(async () => (await import('@codemirror/legacy-modes/mode/clike')).kotlin) },
  { test: /^Scala/, key: 'scala', mode: legacy(async () => (await import('@codemirror/legacy-modes/mode/clike')).scala) },
  { test: /^Swift/, key: 'swift', mode: legacy(async () => (await import('@codemirror/legacy-modes/mode/swift')).swift) },
  { test: /^Lua/, key: 'lua', mode: legacy(async () => (await import('@codemirror/legacy-modes/mode/lua')).lua) },
  { test: /^Haskell/, key: 'haskell', mode: legacy(async () => (await import('@codemirror/legacy-modes/mode/haskell')).haskell) },
  { test: /^Pascal/, key: 'pascal', mode: legacy(async () => (await import('@codemirror/legacy-modes/mode/pascal')).pascal) },
  { test: /^R \(/, key: 'r', mode: legacy(async () => (await import('@codemirror/legacy-modes/mode/r')).r) },
];

const starters = {
  c: '#include <stdio.h>\n\nint main(void) {\n    printf("Hello, world!\\n");\n    return 0;\n}\n',
  cpp: '#include <iostream>\n\nint main() {\n    std::cout << "Hello, world!" << std::endl;\n    return 0;\n}\n',
  csharp: 'using System;\n\nclass Program\n{\n    static void Main(string[] args)\n    {\n        Console.WriteLine("Hello, world!");\n    }\n}\n',
  python: 'print("Hello, world!")\n',
  python2: 'print "Hello, world!"\n',
  javascript: 'console.log("Hello, world!");\n',
  typescript: 'const greeting: string = "Hello, world!";\nconsole.log(greeting);\n',
  java: 'public class Main {\n    public static void main(String[] args) {\n        System.out.println("Hello, world!");\n    }\n}\n',
  bash: '#!/bin/bash\necho "Hello, world!"\n',
  go: 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("Hello, world!")\n}\n',
  rust: 'fn main() {\n    println!("Hello, world!");\n}\n',
  php: '<?php\necho "Hello, world!\\n";\n',
  ruby: 'puts "Hello, world!"\n',
  perl: 'print "Hello, world!\\n";\n',
  sql: "SELECT 'Hello, world!' AS greeting;\n",
  kotlin: 'fun main() {\n    println("Hello, world!")\n}\n',
  lua: 'print("Hello, world!")\n',
  haskell: 'main :: IO ()\nmain = putStrLn "Hello, world!"\n',
};

/** The mode family of a Judge0 language name; null for plain text, executables and the like. */
export function familyOf(name) {
  return families.find((f) => f.test.test(name ?? '')) ?? null;
}

/** The editor extension for a language (loads its chunk); [] when there is none or it fails to load. */
export async function modeFor(name) {
  const family = familyOf(name);
  try {
    return family ? await family.mode() : [];
  } catch {
    return [];
  }
}

export function starterFor(name) {
  const family = familyOf(name);
  return (family && starters[family.key]) ?? '';
}

/** Every starter text, to tell an untouched editor (safe to replace) from the user's own code. */
export function isStarter(text) {
  return text.trim() === '' || Object.values(starters).includes(text);
}
