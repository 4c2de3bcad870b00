"""ANTT map core: plain Python, never imports streamlit."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
DATA_DIR = PROJECT_DIR / "data"

__all__ = ["PACKAGE_DIR", "PROJECT_DIR", "DATA_DIR"]
