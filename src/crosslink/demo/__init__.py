"""The demo: the main job end to end on a simulated scenario, and the analyst's report."""

from crosslink.demo.pipeline import DemoResult, run_demo

__all__ = ["DemoResult", "run_demo"]
