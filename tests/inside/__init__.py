"""Tests of the inside view: collectors, collected files, rules, trust graph, rotation plan."""
