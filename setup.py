"""Build hook: copy the shipped content (flows/, locales/) into the wheel as bot/_content/.

The repository keeps flows/ and locales/ at the top level for reviewers; an installed package
finds them with importlib.resources (bot/content.py). Everything else is in pyproject.toml.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

CONTENT = {"flows": ("*.yaml", "*.json", "release/*.yaml"), "locales": ("*.yaml", "fingerprints/*.yaml")}


class BuildPyWithContent(build_py):
    """build_py, plus the content files under bot/_content/ in the build directory."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads flows/ and locales/ from the checkout
        here = Path(__file__).resolve().parent
        for folder, patterns in CONTENT.items():
            target = Path(self.build_lib, "bot", "_content", folder)
            for pattern in patterns:
                for src in sorted((here / folder).glob(pattern)):
                    dest = target / src.relative_to(here / folder)
                    self.mkpath(str(dest.parent))
                    self.copy_file(str(src), str(dest))


setup(cmdclass={"build_py": BuildPyWithContent})
