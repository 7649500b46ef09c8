"""autograd_mini: a small scalar reverse-mode automatic differentiation engine.

Build expressions from `Value`s, call `backward()`, read `.grad`:

>>> from autograd_mini import Value
>>> x = Value(2.0, label="x")
>>> y = x * x + 3 * x
>>> y.backward()
>>> x.grad
7.0

`save(model, path)` and `load(path)` write and read a model as JSON
(`autograd_mini.serialization`).
"""

from autograd_mini.engine import Value, grad, no_grad
from autograd_mini.serialization import load, save

__all__ = ["Value", "__version__", "grad", "load", "no_grad", "save"]

__version__ = "0.1.0"
