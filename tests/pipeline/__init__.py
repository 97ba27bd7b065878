"""Tests of the analytics pipeline."""
