"""Builds bench_capi, the plain C API reference of the benchmark (bench/run.py runs it)."""

from setuptools import Extension, setup

setup(
    name="bench_capi",
    version="0.1.0",
    ext_modules=[Extension("bench_capi", sources=["bench_capi.c"])],
)
