"""PLACEHOLDER - being written."""
from . import bp
