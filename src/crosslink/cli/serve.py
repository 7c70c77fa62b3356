"""``crosslink serve``: placeholder until the service module lands."""
