"""Reading event logs: native JSONL, CSV, XES, OCEL and pandas DataFrames."""
