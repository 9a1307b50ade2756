# gdb extension for the integration tests: `oracle-frames` prints the stopped thread's frames, newest first, one
# JSON object per line prefixed with "ORACLE-FRAME ", with everything the comparison needs: gdb's name for the
# function (the linkage name when there is one), its source position, whether gdb made it from inlining
# information, the image the pc lies in, the pc relative to that image's load address, and the minimal symbol
# (ELF symbol table entry) with the pc's offset from it.
#
# Usage: gdb -batch -nx -x scripts/gdb-frames.py -ex run -ex oracle-frames --args PROGRAM ARGS...

import json

import gdb


def read_mappings(pid):
    """Returns (start, end, offset, path) for each file-backed mapping of the inferior."""
    mappings = []
    with open("/proc/%d/maps" % pid) as maps:
        for line in maps:
            fields = line.split(None, 5)
            if len(fields) < 6 or not fields[5].startswith("/"):
                continue
            start, end = (int(value, 16) for value in fields[0].split("-"))
            mappings.append((start, end, int(fields[2], 16), fields[5].strip()))
    return mappings


def image_of(address, mappings):
    """The image containing `address` and its load address: the start of the nearest offset-0 mapping of the
    same file at or below the address (a program may also map the file privately, e.g. to read its symbols,
    at some other address)."""
    for start, end, _, path in mappings:
        if start <= address < end:
            bases = [s for s, _, o, p in mappings if p == path and o == 0 and s <= address]
            return path, (max(bases) if bases else None)
    return None, None


def minimal_symbol(address):
    """(name, offset) of the ELF symbol covering `address`, from gdb's `info symbol`."""
    text = gdb.execute("info symbol 0x%x" % address, to_string=True).strip()
    if text.startswith("No symbol"):
        return None, None
    head = text.split(" in section ")[0]
    if " + " in head:
        name, offset = head.rsplit(" + ", 1)
        return name, int(offset)
    return head, 0


class OracleFrames(gdb.Command):
    """Print the selected thread's frames as ORACLE-FRAME JSON lines."""

    def __init__(self):
        super().__init__("oracle-frames", gdb.COMMAND_STACK)

    def invoke(self, argument, from_tty):
        mappings = read_mappings(gdb.selected_inferior().pid)
        frame = gdb.newest_frame()
        level = 0
        physical = 0  # index of the machine frame (inlined frames share their caller's)
        while frame is not None and level < 200:
            kind = frame.type()
            inlined = kind == gdb.INLINE_FRAME
            pc = frame.pc()
            # A caller's pc is a return address: the call instruction is just before it.
            lookup = pc if physical == 0 else pc - 1
            function = frame.function()
            name = frame.name()
            if function is not None and function.linkage_name:
                name = function.linkage_name
            sal = frame.find_sal()
            path, base = image_of(lookup, mappings)
            symbol, offset = minimal_symbol(lookup)
            record = {
                "level": level,
                "inlined": inlined,
                # gdb builds TAILCALL_FRAMEs from DWARF call-site information: no stack frame exists for them.
                "tailCall": kind == gdb.TAILCALL_FRAME,
                "name": name,
                "file": sal.symtab.fullname() if sal.symtab is not None else None,
                "line": sal.line,
                "image": path,
                "address": (lookup - base) if base is not None else None,
                "pc": pc,
                "symbol": symbol,
                "symbolOffset": (offset + (pc - lookup)) if offset is not None else None,
            }
            print("ORACLE-FRAME " + json.dumps(record))
            if not inlined and kind != gdb.TAILCALL_FRAME:
                physical += 1
            frame = frame.older()
            level += 1


OracleFrames()
