"""Plan the frames of the animation: what each one shows and says.

The graph is laid out ONCE, with its final numbers; every frame is a
`FrameState` (a look per box and arrow, the data/grad texts, a caption) that
`svgstyle.py` applies to that one SVG. So the picture does not jump between
frames, and a frame costs a string rewrite, not a `dot` run.

Forward frames light the boxes up in reading order with their values; backward
frames follow `backward()`'s order (from `trace_backward`), showing each
chain-rule product and the parents' running gradients; optional last frames
show the SGD update and the forward pass again with the updated parameters
(the loss after the step; see `replay`). Reads the graph, never changes it.

Imports `autograd_mini.engine` and `autograd_mini.viz.escape` / `.groups` / `.scene` /
`.svgstyle` / `.trace`.

>>> from autograd_mini import Value
>>> x = Value(2.0, label="x"); y = x * 3; y.label = "y"
>>> expression("*3", ["x"]), expression("tanh", ["y"]), expression("+", ["a", "b"])
('x * 3', 'tanh(y)', 'a + b')
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable

from autograd_mini.engine import Value
from autograd_mini.viz.escape import format_change, format_number, format_unrounded
from autograd_mini.viz.groups import GROUP_DATA, GROUP_GRAD
from autograd_mini.viz.replay import replay
from autograd_mini.viz.scene import Box, Scene
from autograd_mini.viz.svgstyle import FrameState
from autograd_mini.viz.trace import Step, Trace

__all__ = ["default_parameters", "expression", "plan_frames", "term"]

# Constants as engine._format_constant writes them: "2", "-0.5", "1e-05", "1.5e+20".
_NUMBER = r"-?\d+(?:\.\d*)?(?:e[-+]?\d+)?"
_SUFFIX_CONSTANT = re.compile(rf"^(\*\*|[+\-*/])({_NUMBER})$")
_PREFIX_CONSTANT = re.compile(rf"^({_NUMBER})(\*\*|[+\-*/])$")
_INFIX = {"+", "-", "*", "/", "**"}
_MAX_CAPTION_PARENTS = 4


def expression(op: str, parents: list[str]) -> str:
    """The written form of one op applied to named parents.

    A parent named after a sub-expression (the graph command labels ``a*b + c``
    so) is bracketed where it meets an operator, so the caption keeps its meaning.

    >>> expression("2-", ["x"]), expression("**2", ["x"]), expression("sum", ["a", "b", "c"])
    ('2 - x', 'x ** 2', 'sum(a, b, c)')
    >>> expression("*", ["a*b + c", "f"]), expression("tanh", ["w*x + b"])
    ('(a*b + c) * f', 'tanh(w*x + b)')
    """
    if op in _INFIX and len(parents) == 2:
        return f"{term(parents[0])} {op} {term(parents[1])}"
    if op == "neg" and len(parents) == 1:
        return f"-{term(parents[0])}"
    if len(parents) == 1:
        suffix = _SUFFIX_CONSTANT.match(op)
        if suffix:
            return f"{term(parents[0])} {suffix.group(1)} {suffix.group(2)}"
        prefix = _PREFIX_CONSTANT.match(op)
        if prefix:
            return f"{prefix.group(1)} {prefix.group(2)} {term(parents[0])}"
    shown = parents[:_MAX_CAPTION_PARENTS]
    more = [f"… {len(parents) - len(shown)} more"] if len(parents) > len(shown) else []
    return f"{op}({', '.join(shown + more)})"


def plan_frames(
    scene: Scene,
    trace: Trace,
    names: dict[int, str],
    root: Value,
    *,
    lr: float | None = None,
    parameters: Iterable[Value] | None = None,
) -> list[FrameState]:
    """Decide what each frame shows: forward boxes, backward steps, the update.

    >>> from autograd_mini import Value
    >>> from autograd_mini.viz.scene import build_scene
    >>> from autograd_mini.viz.trace import node_names, trace_backward
    >>> x = Value(3.0, label="x"); y = x * 2; y.label = "y"
    >>> states = plan_frames(build_scene(y), trace_backward(y), node_names(y), y, lr=0.5)
    >>> [(s.phase, s.caption.splitlines()[0]) for s in states]  # doctest: +ELLIPSIS
    ... # doctest: +NORMALIZE_WHITESPACE
    [('forward', 'Forward pass: the inputs and parameters hold their values.'),
     ('forward', 'y = x * 2 = 6'),
     ('backward', 'Backward pass: start with dy/dy = 1.'),
     ('backward', 'y (*2): upstream grad dy/dy = 1'),
     ('backward', 'Backward pass done: every grad is dy/d(node).'),
     ('update', 'Update 1 parameter: data -= lr × grad (lr = 0.5)'),
     ('forward', 'Forward pass again with the updated parameters: y = 4 (was 6), down by 2: ...')]
    """
    boxes = {box.key: box for box in scene.boxes}
    root_name = term(names[id(root)])
    flow = _box_flow(scene)
    forward_order = _topological(flow, {b.key: b.position for b in scene.boxes})
    computed = [boxes[key] for key in forward_order if not boxes[key].is_input]
    op_box = {op.key: op.box_key for op in scene.op_nodes}
    # The arrows that light up with a box: into its op node, and op node -> box.
    edges_into: dict[str, list[str]] = {}
    for edge in scene.edges:
        edges_into.setdefault(op_box.get(edge.head, edge.head), []).append(edge.key)

    # Forward: inputs are known from the start, computed boxes light up in turn.
    known = {box.key for box in scene.boxes if box.is_input}
    states: list[FrameState] = []
    pending_grads = {
        key: (_unknown_grad(box), "partial") for key, box in boxes.items() if box.grad_text
    }

    def forward_state(caption: str, active: str | None) -> FrameState:
        state = FrameState("forward", caption, grad_text=dict(pending_grads))
        for key, box in boxes.items():
            state.box_look[key] = (
                "forward" if key == active else ("normal" if key in known else "pending")
            )
            if key not in known and box.data_text:
                state.data_text[key] = f"{GROUP_DATA if box.kind == 'group' else 'data'} ?"
        for op_key, owner in op_box.items():
            state.box_look[op_key] = state.box_look[owner]
        for owner, edge_keys in edges_into.items():
            look = "forward" if owner == active else ("normal" if owner in known else "pending")
            for edge_key in edge_keys:
                state.edge_look[edge_key] = look
        return state

    states.append(forward_state("Forward pass: the inputs and parameters hold their values.", None))
    for box in computed:
        known.add(box.key)
        states.append(forward_state(_forward_caption(box, names), box.key))

    # Backward: the seed, then one frame per box in the order backward() reaches it.
    running: dict[int, float] = {id(root): _seed(trace)}
    received: set[int] = {id(root)}
    finished: set[str] = set()
    # A sum is complete once every box that uses the value has passed its share
    # back: leaves turn red on the last step that reaches them, not one frame late.
    consumers = {key: heads - {key} for key, heads in flow.items()}

    def complete(key: str) -> bool:
        return key in finished or (bool(consumers[key]) and consumers[key] <= finished)

    def backward_state(caption: str, active: str | None) -> FrameState:
        state = FrameState("backward", caption)
        for key, box in boxes.items():
            state.box_look[key] = "backward" if key == active else "normal"
            if not box.grad_text:
                continue
            if box.kind == "value":
                v = box.members[0]
                if id(v) in received:
                    kind = "final" if complete(key) or v is root else "partial"
                    state.grad_text[key] = (f"grad {format_number(running[id(v)])}", kind)
                else:
                    state.grad_text[key] = ("grad ?", "partial")
            elif key not in finished:
                state.grad_text[key] = (_unknown_grad(box), "partial")
            else:
                state.grad_text[key] = (box.grad_text, "final")
        for op_key, owner in op_box.items():
            state.box_look[op_key] = state.box_look[owner]
        for owner, edge_keys in edges_into.items():
            for edge_key in edge_keys:
                state.edge_look[edge_key] = "backward" if owner == active else "normal"
        return state

    root_key = scene.box_of[id(root)]
    states.append(
        backward_state(
            f"Backward pass: start with d{root_name}/d{root_name} = "
            f"{format_number(_seed(trace))}.\nEach step: d{root_name}/d(parent) += "
            f"d{root_name}/d(node) · ∂node/∂parent (the local derivative, stored "
            "in the forward pass).",
            root_key,
        )
    )
    for key, steps in _backward_units(scene, trace):
        for step in steps:
            for parent, contribution in zip(step.parents, step.contributions):
                running[id(parent)] = running.get(id(parent), 0.0) + contribution
                received.add(id(parent))
        finished.add(key)
        states.append(backward_state(_backward_caption(boxes[key], steps, root_name), key))
    # Leaves have no step of their own: their sums are complete once every step ran.
    finished.update(boxes)
    states.append(
        backward_state("Backward pass done: every grad is d" + root_name + "/d(node).", None)
    )

    if lr is not None:
        update, new_values = _update_state(states[-1], boxes, running, lr, parameters, names)
        states.append(update)
        after = _after_state(update, boxes, root, new_values, root_name)
        if after is not None:
            states.append(after)
    return states


def _unknown_grad(box: Box) -> str:
    return f"{GROUP_GRAD if box.kind == 'group' else 'grad'} ?"


def _seed(trace: Trace) -> float:
    return trace[0].upstream_grad if trace else 1.0


def _backward_units(scene: Scene, trace: Trace) -> list[tuple[str, list[Step]]]:
    """Each box with its steps, in an order where every box comes after its consumers.

    For single Values this is exactly `backward()`'s order. A group runs once,
    when every box it sends gradient into is done, so the sums it shows are complete.
    """
    units: dict[str, list[Step]] = {}
    for step in trace:
        units.setdefault(scene.box_of[id(step.node)], []).append(step)
    first_step = {key: steps[0].index for key, steps in units.items()}
    reverse: dict[str, set[str]] = {box.key: set() for box in scene.boxes}
    for tail, heads in _box_flow(scene).items():
        for head in heads:
            reverse[head].add(tail)
    priority = {box.key: first_step.get(box.key, len(trace) + 1) for box in scene.boxes}
    return [(key, units[key]) for key in _topological(reverse, priority) if key in units]


def _box_flow(scene: Scene) -> dict[str, set[str]]:
    """Box -> the boxes that use it (op nodes folded into the box they compute)."""
    owner = {op.key: op.box_key for op in scene.op_nodes}
    flow: dict[str, set[str]] = {box.key: set() for box in scene.boxes}
    for edge in scene.edges:
        tail, head = owner.get(edge.tail, edge.tail), owner.get(edge.head, edge.head)
        if tail != head:
            flow[tail].add(head)
    return flow


def _topological(flow: dict[str, set[str]], priority: dict[str, int]) -> list[str]:
    """Kahn's algorithm, always taking the ready box with the lowest priority.

    Grouping could in principle close a cycle between boxes; then the waiting
    box with the lowest priority goes next rather than the animation stopping.
    """
    waiting = {key: 0 for key in flow}
    for heads in flow.values():
        for head in heads:
            waiting[head] += 1
    ready = [(priority[key], key) for key, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order: list[str] = []
    placed: set[str] = set()
    while len(order) < len(flow):
        if not ready:
            stuck = min((priority[k], k) for k in flow if k not in placed)
            heapq.heappush(ready, stuck)
        _, key = heapq.heappop(ready)
        if key in placed:
            continue
        placed.add(key)
        order.append(key)
        for head in flow[key]:
            waiting[head] -= 1
            if waiting[head] == 0 and head not in placed:
                heapq.heappush(ready, (priority[head], head))
    return order


def term(name: str) -> str:
    """`name` ready to sit next to an operator or after d/∂: bracketed unless one token.

    >>> term("x"), term("L0.N3.w0"), term("#4"), term("a*b"), term("-x")
    ('x', 'L0.N3.w0', '#4', '(a*b)', '(-x)')
    """
    return name if _ONE_TOKEN.match(name) else f"({name})"


_ONE_TOKEN = re.compile(r"^[\w.#]+$")


def _forward_caption(box: Box, names: dict[int, str]) -> str:
    if box.kind == "value":
        v = box.members[0]
        parents = [names[id(p)] for p in v.parents]
        return f"{names[id(v)]} = {expression(v.op, parents)} = {format_unrounded(v.data)}"
    if box.kind == "group":
        return f"{box.title}: {box.detail}; {box.data_text}"
    return f"{box.title} are computed."


def _backward_caption(box: Box, steps: list[Step], root_name: str) -> str:
    if box.kind != "value":
        # Counted from the box, not the steps: animate bundles a group's steps into one.
        computed = [v for v in box.members if v.parents]
        count = sum(len(v.parents) for v in computed)
        return f"{box.title}: the chain rule runs through {len(computed)} nodes ({count} products)."
    step = steps[0]
    d = f"d{root_name}/d"
    node = term(step.name)
    # d.../d... is a gradient of the root; ∂node/∂parent the local derivative stored
    # in the forward pass. At the root step both would otherwise read dL/d#2.
    lines = [
        f"{step.name} ({step.op}): upstream grad {d}{node} = {format_number(step.upstream_grad)}"
    ]
    shown = list(zip(step.parent_names, step.local_grads, step.contributions, step.parent_grads))
    for name, local, contribution, total in shown:
        # The chain rule, written out: d(root)/d(parent) += d(root)/d(node) * d(node)/d(parent).
        line = (
            f"{d}{term(name)} += {d}{node} · ∂{node}/∂{term(name)} = "
            f"{format_number(step.upstream_grad)} × {format_number(local)} = "
            f"{format_number(contribution)}"
        )
        if total != contribution:
            line += f"  (sum so far {format_number(total)})"
        lines.append(line)
    return "\n".join(lines)


def _update_state(
    last: FrameState,
    boxes: dict[str, Box],
    grads: dict[int, float],
    lr: float,
    parameters: Iterable[Value] | None,
    names: dict[int, str],
) -> tuple[FrameState, dict[int, float]]:
    leaves = [v for box in boxes.values() for v in box.members if not v.parents]
    chosen = {id(v) for v in (default_parameters(leaves) if parameters is None else parameters)}
    state = FrameState("update", "", dict(last.box_look), dict(last.data_text))
    state.grad_text = dict(last.grad_text)
    state.edge_look = {key: "normal" for key in last.edge_look}
    lines: list[str] = []
    new_values: dict[int, float] = {}
    for key, box in boxes.items():
        params = [v for v in box.members if not v.parents and id(v) in chosen]
        state.box_look[key] = "update" if params else "normal"
        for v in params:
            new = v.data - lr * grads.get(id(v), 0.0)
            new_values[id(v)] = new
            if box.kind == "value":
                state.data_text[key] = f"data {format_change(new, v.data)}"
            # Every parameter is listed: the caption box scrolls rather than cutting.
            lines.append(
                f"{names[id(v)]}: {format_number(v.data)} - {format_number(lr)} × "
                f"{format_number(grads.get(id(v), 0.0))} = {format_change(new, v.data)}"
            )
    updated = len(new_values)
    for key in state.box_look.keys() - boxes.keys():  # op nodes keep their usual look
        state.box_look[key] = "normal"
    noun = "parameter" if updated == 1 else "parameters"
    state.caption = "\n".join(
        [f"Update {updated} {noun}: data -= lr × grad (lr = {format_number(lr)})", *lines]
    )
    return state, new_values


def _after_state(
    update: FrameState,
    boxes: dict[str, Box],
    root: Value,
    new_values: dict[int, float],
    root_name: str,
) -> FrameState | None:
    """The forward pass again with the updated parameters: did the loss go down?

    None when the graph holds an op `replay` cannot rerun (a fused loss).
    """
    replayed = replay(root, new_values)
    if replayed is None:
        return None
    state = FrameState("forward", "", edge_look=dict(update.edge_look))
    state.grad_text = dict(update.grad_text)
    state.data_text = dict(update.data_text)
    for key, box in boxes.items():
        if box.kind == "value":
            v = box.members[0]
            state.data_text[key] = f"data {format_change(replayed[id(v)], v.data)}"
        state.box_look[key] = "forward" if root in box.members else "normal"
    for key in update.box_look.keys() - boxes.keys():
        state.box_look[key] = "normal"
    old, new = root.data, replayed[id(root)]
    if new < old:
        verdict = f"down by {format_number(old - new)}: the step did its job."
    elif new > old:
        verdict = f"up by {format_number(new - old)}: the step overshot (try a smaller lr)."
    else:
        verdict = "unchanged."
    state.caption = (
        "Forward pass again with the updated parameters: "
        f"{root_name} = {format_change(new, old)} (was {format_number(old)}), {verdict}"
    )
    return state


def default_parameters(leaves: list[Value]) -> list[Value]:
    """The leaves `animate(root, lr=...)` updates when no `parameters` are given.

    If any leaf carries an `nn` scope (nn tags its weights and biases), only
    those are parameters and the inputs stay put; otherwise every leaf is.

    >>> from autograd_mini import Value
    >>> x, w = Value(2.0, label="x"), Value(0.5, label="w")
    >>> [v.label for v in default_parameters([x, w])]
    ['x', 'w']
    >>> w.scope = "neurons.0"
    >>> [v.label for v in default_parameters([x, w])]
    ['w']
    """
    scoped = [v for v in leaves if v.scope is not None]
    return scoped or list(leaves)
