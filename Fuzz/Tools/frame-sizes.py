#!/usr/bin/env python3
"""Prints the stack frame size of every function in object files or binaries, largest first.

The size is the immediate of the first `sub $N,%rsp` in each function, plus the pushes before it and the return
address, i.e. the bytes one call of the function adds to the stack (x86_64).

usage: frame-sizes.py [--filter SUBSTRING] [--top N] FILE...
"""
import re
import subprocess
import sys


def frames(path):
    dump = subprocess.run(["objdump", "-d", "--no-show-raw-insn", path], capture_output=True, text=True,
                          check=True).stdout
    name, pushes, size, done = None, 0, 0, True
    header = re.compile(r"^[0-9a-f]+ <(.*)>:$")
    sub = re.compile(r"\bsub\s+\$0x([0-9a-f]+),%rsp")
    for line in dump.splitlines():
        m = header.match(line)
        if m:
            if name is not None:
                yield name, size + 8 * pushes + 8
            name, pushes, size, done = m.group(1), 0, 0, False
            continue
        if done or name is None:
            continue
        if "\tpush " in line or " push " in line:
            pushes += 1
            continue
        m = sub.search(line)
        if m:
            size = int(m.group(1), 16)
            done = True
        elif "call" in line or "ret" in line:
            done = True
    if name is not None:
        yield name, size + 8 * pushes + 8


def main():
    args = sys.argv[1:]
    pattern, top = None, 30
    while args and args[0].startswith("--"):
        if args[0] == "--filter":
            pattern = args[1]
            args = args[2:]
        elif args[0] == "--top":
            top = int(args[1])
            args = args[2:]
        else:
            sys.exit(__doc__)
    rows = []
    for path in args:
        rows.extend(frames(path))
    if pattern:
        rows = [r for r in rows if pattern in r[0]]
    rows.sort(key=lambda r: -r[1])
    rows = rows[:top]
    names = subprocess.run(["swift", "demangle", "--simplified"], input="\n".join(r[0] for r in rows),
                           capture_output=True, text=True).stdout.splitlines()
    for (raw, size), name in zip(rows, names):
        print(f"{size:8d}  {name}")


if __name__ == "__main__":
    main()
