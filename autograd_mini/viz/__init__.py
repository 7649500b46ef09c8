"""Seeing backpropagation: graphs, a step-by-step chain rule table and an animation.

`draw_graph` draws a computation graph, `trace_backward` lists what `backward()`
does node by node, `animate` plays the forward and backward pass in a browser.
All three read the graph and never change it. `animate_training` makes a film
of a recorded training run (`fit(..., record=True)`).

>>> from autograd_mini import Value
>>> from autograd_mini.viz import draw_graph
>>> import graphviz
>>> isinstance(draw_graph(Value(1.0)), graphviz.Digraph)
True
"""

from autograd_mini.viz.film import Film, animate_training
from autograd_mini.viz.graph import draw_graph
from autograd_mini.viz.player import Animation, animate
from autograd_mini.viz.trace import Step, Trace, trace_backward

__all__ = [
    "draw_graph",
    "trace_backward",
    "animate",
    "Animation",
    "Step",
    "Trace",
    "animate_training",
    "Film",
]
