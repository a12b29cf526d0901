"""Build the C core of the NMEA decoder; everything else is declared in pyproject.toml."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "shadowtrace.ingest.ais._nmea",
            sources=["src/shadowtrace/ingest/ais/_nmea.c"],
            extra_compile_args=["-O3", "-std=c99", "-Wall", "-Wextra"],
        )
    ]
)
