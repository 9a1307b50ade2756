#!/usr/bin/env python3
"""Regenerates the ELF, DWARF and CFI seed corpora from seed.c (needs clang, readelf, objcopy).

usage: make-seeds.py   (writes Fuzz/Corpus/{FuzzELF,FuzzDWARF,FuzzCFI}/seed-*)
"""
import os
import struct
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "Corpus")
VARIANTS = {
    "dwarf4-O0": ["-g", "-gdwarf-4", "-O0"],
    "dwarf5-O2": ["-g", "-gdwarf-5", "-O2"],
    "dwarf5-gz": ["-g", "-gdwarf-5", "-O1", "-gz"],
    "dwarf4-O2-gz": ["-g", "-gdwarf-4", "-O2", "-gz=zlib"],
    "nodebug-O2": ["-O2"],
}
RAW_SECTIONS = [".debug_info", ".debug_abbrev", ".debug_line", ".debug_str", ".debug_line_str",
                ".debug_str_offsets", ".debug_addr", ".debug_ranges", ".debug_rnglists"]


def sections(path):
    """name -> (address, file offset, size) from readelf."""
    out = subprocess.run(["readelf", "-S", "-W", path], capture_output=True, text=True, check=True).stdout
    result = {}
    for line in out.splitlines():
        line = line.replace("[ ", "[")
        parts = line.split()
        if len(parts) > 6 and parts[0].startswith("[") and parts[1].startswith("."):
            result[parts[1]] = (int(parts[3], 16), int(parts[4], 16), int(parts[5], 16))
    return result


def symbols(path):
    out = subprocess.run(["nm", path], capture_output=True, text=True, check=True).stdout
    return {p[2]: int(p[0], 16) for p in (l.split() for l in out.splitlines()) if len(p) == 3 and p[1] in "Tt"}


def write(target, name, data):
    os.makedirs(os.path.join(CORPUS, target), exist_ok=True)
    with open(os.path.join(CORPUS, target, "seed-" + name), "wb") as f:
        f.write(data)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        for variant, flags in VARIANTS.items():
            for kind in ["obj", "exe"]:
                out = os.path.join(tmp, f"{variant}.{kind}")
                extra = ["-c"] if kind == "obj" else []
                subprocess.run(["clang", *flags, *extra, "-o", out, os.path.join(HERE, "seed.c")], check=True)
                data = open(out, "rb").read()
                write("FuzzELF", f"{variant}-{kind}", data)
                if "-g" in flags:
                    write("FuzzDWARF", f"{variant}-{kind}-elf", b"\x00" + data)
                table = sections(out)
                if "-g" in flags and "-gz" not in " ".join(flags) and kind == "obj":
                    # Raw sections of an object (relocations not applied, like a corrupt input would be).
                    parts = [data[table[n][1]:table[n][1] + table[n][2]] if n in table else b"" for n in RAW_SECTIONS]
                    header = b"".join(struct.pack("<H", min(len(p), 0xffff)) for p in parts)
                    write("FuzzDWARF", f"{variant}-raw", b"\x01" + header + b"".join(parts))
                if kind == "exe" and ".eh_frame_hdr" in table and ".eh_frame" in table:
                    hdr_address, hdr_offset, hdr_size = table[".eh_frame_hdr"]
                    frame_address, frame_offset, frame_size = table[".eh_frame"]
                    if frame_offset - hdr_offset != frame_address - hdr_address:
                        continue
                    image = data[hdr_offset:frame_offset + frame_size]
                    for function, address in sorted(symbols(out).items()):
                        if function not in ("main", "accumulate", "report", "_start"):
                            continue
                        for delta, flag in [(0, 0), (5, 1), (12, 2)]:
                            pc = address + delta - hdr_address
                            header = struct.pack("<IHB", pc & 0xffffffff, hdr_size, flag)
                            write("FuzzCFI", f"{variant}-{function}-{delta}", header + image)


if __name__ == "__main__":
    main()
