#!/usr/bin/env python3
"""Packs a LibTorch 2.x build for a GPU machine that has LibTorch but no Qt or OpenCV (scripts/gpu-check --pack).

Usage: gpu_bundle.py BUILD_DIR TEST [TEST...]

Writes BUILD_DIR/gpu-bundle.tar.xz holding bin/captioner, bin/<TEST>, lib/ (the core and the
SentencePiece plugin), bundle-lib/ (every shared library they load that is neither LibTorch, CUDA nor
the C runtime) and bundle-root (this checkout's path, which the binaries have compiled in).
Libraries pulled in only for file formats we never read (GDAL, GDCM: OpenCV's GeoTIFF and DICOM
readers, ~150 MB with their own dependencies) are replaced by stubs exporting the symbols OpenCV
imports, each aborting with a message if it were ever called.
"""
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile

# Provided by the GPU machine: its LibTorch and CUDA, and the C/C++ runtime of any Linux.
SYSTEM = re.compile(r"^(ld-linux.*|lib(c|m|dl|rt|pthread|util|resolv|gcc_s|stdc\+\+|z)\.so.*|linux-vdso.*)$")
TORCH = re.compile(r"^lib(torch|c10|caffe2|shm|gomp|cudart|cublas|cudnn|cufft|cufile|curand|cusolver|cusparse|nccl|"
                   r"nvrtc|nvToolsExt|nvJitLink|nvjitlink|nvshmem|cupti|nvperf)\w*\.so")
STUB = re.compile(r"^lib(gdal|gdcm).*")


def needed(path):
    out = subprocess.run(["readelf", "-d", path], capture_output=True, text=True, check=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", out)


def resolved(path, env):
    """Name -> path of every library `path` loads, as the loader resolves them here."""
    out = subprocess.run(["ldd", path], capture_output=True, text=True, env=env, check=True).stdout
    libs = {}
    for line in out.splitlines():
        m = re.match(r"\s*(\S+) => (/\S+)", line)
        if m:
            libs[m.group(1)] = m.group(2)
    return libs


def imported_symbols(path):
    out = subprocess.run(["nm", "-D", "--undefined-only", path], capture_output=True, text=True, check=True).stdout
    return {line.split()[-1].split("@")[0] for line in out.splitlines() if line.strip()}


def defined_symbols(path):
    """Name -> nm type letter of every symbol `path` exports."""
    out = subprocess.run(["nm", "-D", "--defined-only", path], capture_output=True, text=True, check=True).stdout
    return {p[2].split("@")[0]: p[1] for p in (line.split() for line in out.splitlines()) if len(p) == 3}


def build_stub(soname, real_path, users, outdir):
    wanted = set()
    for u in users:
        wanted |= imported_symbols(u)
    exported = defined_symbols(real_path)
    funcs = sorted(n for n in wanted if n in exported)
    data = [n for n in funcs if exported[n] not in ("T", "W", "i")]
    if data:
        raise SystemExit(f"gpu_bundle: {real_path} provides data symbols {data}; a function stub cannot stand in for them")
    src = ["#include <stdio.h>", "#include <stdlib.h>"]
    for i, f in enumerate(funcs):
        src.append(f'void stub_{i}(void) __asm__("{f}");')
        src.append(f'void stub_{i}(void) {{ fputs("gpu-check stub: {soname} {f} called (not in the bundle)\\n", stderr); abort(); }}')
    with tempfile.NamedTemporaryFile("w", suffix=".c", delete=False) as c:
        c.write("\n".join(src) + "\n")
    subprocess.run(["cc", "-shared", "-fPIC", "-o", os.path.join(outdir, soname), f"-Wl,-soname,{soname}", c.name], check=True)
    os.unlink(c.name)
    return len(funcs)


def main():
    build_dir, tests = sys.argv[1], sys.argv[2:]
    binaries = [os.path.join(build_dir, "bin", n) for n in ["captioner", *tests]]  # the CLI links the Hub client when Qt Network was there
    plugin = os.path.join(build_dir, "lib", "captioner_sentencepiece.so")
    env = dict(os.environ)
    roots = binaries + [plugin]

    carried, stubbed, ours = {}, {}, {}
    for root in roots:
        for name, path in resolved(root, env).items():
            if SYSTEM.match(name) or TORCH.match(name):
                continue
            if os.path.realpath(path).startswith(os.path.realpath(build_dir)):
                ours[name] = path  # libcaptioner_core: packed as lib/, its dependencies followed below
                continue
            (stubbed if STUB.match(name) else carried)[name] = path
    # Libraries reachable only through a stubbed one are not needed.
    reachable, todo = set(), list(roots)
    while todo:
        f = todo.pop()
        for n in needed(f):
            if n in ours and n not in reachable:
                reachable.add(n)
                todo.append(ours[n])
            if n in carried and n not in reachable:
                reachable.add(n)
                todo.append(carried[n])
    carried = {n: p for n, p in carried.items() if n in reachable}

    with tempfile.TemporaryDirectory() as tmp:
        for sub in ("bin", "lib", "bundle-lib"):
            os.makedirs(os.path.join(tmp, sub))
        for b in binaries:
            shutil.copy2(b, os.path.join(tmp, "bin"))
        for f in os.listdir(os.path.join(build_dir, "lib")):
            src = os.path.join(build_dir, "lib", f)
            if f.startswith(("libcaptioner_", "captioner_sentencepiece.so")) and ".so" in f:
                shutil.copy2(src, os.path.join(tmp, "lib"), follow_symlinks=False)
        for name, path in sorted(carried.items()):
            shutil.copy2(path, os.path.join(tmp, "bundle-lib", name))
        users = [carried[n] for n in carried]
        for name, path in sorted(stubbed.items()):
            count = build_stub(name, path, [u for u in users if name in needed(u)], os.path.join(tmp, "bundle-lib"))
            print(f"gpu_bundle: stub {name} ({count} functions)")
        # Smaller on the wire: debug sections and symbol tables are not needed to run.
        for sub in ("bin", "lib", "bundle-lib"):
            d = os.path.join(tmp, sub)
            for f in os.listdir(d):
                p = os.path.join(d, f)
                if os.path.isfile(p) and not os.path.islink(p):
                    subprocess.run(["strip", "--strip-unneeded", p], check=False)
        with open(os.path.join(tmp, "bundle-root"), "w") as f:
            f.write(os.path.realpath(os.path.join(build_dir, "..")) + "\n")
        out = os.path.join(build_dir, "gpu-bundle.tar.xz")
        with tarfile.open(out + ".tmp", "w:xz", preset=6) as tar:
            for entry in sorted(os.listdir(tmp)):
                tar.add(os.path.join(tmp, entry), arcname=entry)
        os.replace(out + ".tmp", out)
    size = os.path.getsize(out) / 2**20
    print(f"gpu_bundle: {len(binaries)} programs, {len(carried)} libraries, {len(stubbed)} stubs -> {out} ({size:.1f} MiB)")


if __name__ == "__main__":
    main()
