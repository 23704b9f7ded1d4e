"""Built-in policies, in their default order. `registry` lets plugins add theirs."""
