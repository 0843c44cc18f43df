"""Builds _cgctl (callgrind client requests for bench/measure.py)."""

from setuptools import Extension, setup

setup(name="_cgctl", version="0.1.0", ext_modules=[Extension("_cgctl", sources=["_cgctl.c"])])
