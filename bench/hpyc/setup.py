"""Builds bench_hpyc with hpy 0.9.0's setuptools integration (`hpy_ext_modules`).

bench/run.py runs it twice: `--hpy-abi=cpython` (an ordinary CPython extension) and
`--hpy-abi=universal` (`bench_hpyc.hpy0.so`). The driver loads the `.hpy0.so` itself with
`hpy.universal.load`, so the loader stub hpy writes next to it (which imports `pkg_resources`)
is never used.
"""

from setuptools import Extension, setup

setup(
    name="bench_hpyc",
    version="0.1.0",
    hpy_ext_modules=[Extension("bench_hpyc", sources=["bench_hpyc.c"])],
    setup_requires=["hpy==0.9.0"],
)
