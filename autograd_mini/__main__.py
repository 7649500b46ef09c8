"""`python -m autograd_mini ...` runs the `autograd-mini` command (see `autograd_mini.cli`)."""

from autograd_mini.cli import main

__all__: list[str] = []

if __name__ == "__main__":
    raise SystemExit(main())
