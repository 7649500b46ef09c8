"""Restyle one Graphviz SVG for each frame of the animation (xml.etree).

A `FrameState` says how every box, op node and arrow looks in one frame and
which data/grad texts it shows; `SvgStyler` applies it to the SVG laid out
once by `dot`, giving a patch against the base (`apply_patch` makes it whole). Text is
only ever set as element text, so XML escaping is left to ElementTree.

Imports `autograd_mini.viz.groups` (how group boxes name their fields).

>>> FrameState("forward", "x = 1").box_look
{}
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from autograd_mini.viz.groups import GROUP_DATA, GROUP_GRAD

__all__ = ["FrameState", "SvgStyler", "apply_patch"]

_SVG_NS = "http://www.w3.org/2000/svg"
ET.register_namespace("", _SVG_NS)
ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")

# (fill, stroke, stroke width, text colour) per state of a box or op node.
_LOOK = {
    "pending": ("#f8fafc", "#cbd5e1", "1", "#94a3b8"),
    "forward": ("#fde68a", "#b45309", "2.5", "#1f2937"),
    "backward": ("#fecaca", "#b91c1c", "2.5", "#1f2937"),
    "update": ("#bbf7d0", "#15803d", "2.5", "#1f2937"),
}
_EDGE_LOOK = {"pending": "#e2e8f0", "forward": "#b45309", "backward": "#b91c1c", "normal": ""}
_GRAD_COLOUR = {"partial": "#94a3b8", "final": "#b91c1c"}


@dataclass
class FrameState:
    """How every box, op node and edge looks in one frame, plus its caption."""

    phase: str
    caption: str
    box_look: dict[str, str] = field(default_factory=dict)
    data_text: dict[str, str] = field(default_factory=dict)
    grad_text: dict[str, tuple[str, str]] = field(default_factory=dict)
    edge_look: dict[str, str] = field(default_factory=dict)


class SvgStyler:
    """Holds one parsed Graphviz SVG and restyles it for each frame.

    `patch` gives what a frame changes in the base SVG, as [element index,
    {attribute: value}, text or None] with elements numbered in document order
    below the <svg> root (the order of `svg.querySelectorAll("*")` in a
    browser). Frames are stored only as patches (`apply_patch` rebuilds one),
    and the player ships the base SVG once plus the patches as timelines.

    >>> svg = (
    ...     '<svg xmlns="http://www.w3.org/2000/svg"><g id="v0" class="node">'
    ...     '<polygon fill="white"/><text>data 1</text><text>grad 2</text></g></svg>'
    ... )
    >>> styler = SvgStyler(svg)
    >>> state = FrameState("forward", "", box_look={"v0": "pending"}, data_text={"v0": "data ?"})
    >>> styler.patch(state)[1]
    [2, {'fill': '#94a3b8'}, 'data ?']
    """

    def __init__(self, svg: str) -> None:
        self.root = ET.fromstring(svg)
        self.base = ET.tostring(self.root, encoding="unicode")
        self.index = {id(el): i for i, el in enumerate(list(self.root.iter())[1:])}
        self.groups: dict[str, ET.Element] = {}
        for g in self.root.iter(f"{{{_SVG_NS}}}g"):
            key = g.get("id")
            if key and g.get("class") in ("node", "edge"):
                self.groups[key] = g
        self.original = {id(el): dict(el.attrib) for g in self.groups.values() for el in g}
        self.original_text = {id(el): el.text for g in self.groups.values() for el in g}

    def apply(self, state: FrameState) -> None:
        """Restyle the tree in place for `state` (starting from the base look)."""
        for key, g in self.groups.items():
            for el in g:
                el.attrib.clear()
                el.attrib.update(self.original[id(el)])
                el.text = self.original_text[id(el)]
            if key in state.edge_look:
                self._style_edge(g, _EDGE_LOOK[state.edge_look[key]])
            else:
                self._style_node(g, state.box_look.get(key, "normal"))
                self._set_texts(g, state.data_text.get(key), state.grad_text.get(key))

    def patch(self, state: FrameState) -> list[list[object]]:
        """What `state` changes in the base SVG, element by element."""
        self.apply(state)
        changes: list[list[object]] = []
        for g in self.groups.values():
            for el in g:
                before = self.original[id(el)]
                attrs = {k: v for k, v in el.attrib.items() if before.get(k) != v}
                text = el.text if el.text != self.original_text[id(el)] else None
                if attrs or text is not None:
                    changes.append([self.index[id(el)], attrs, text])
        return changes

    @staticmethod
    def _style_node(g: ET.Element, look: str) -> None:
        if look not in _LOOK:
            return
        fill, stroke, width, ink = _LOOK[look]
        shape = next(
            (el for el in g if el.tag.rsplit("}", 1)[-1] in ("polygon", "path", "ellipse")), None
        )
        if shape is not None:
            shape.set("fill", fill)
            shape.set("stroke", stroke)
            shape.set("stroke-width", width)
        for el in g:
            tag = el.tag.rsplit("}", 1)[-1]
            if tag == "text":
                el.set("fill", ink)
            elif tag == "polyline":
                el.set("stroke", stroke)

    @staticmethod
    def _style_edge(g: ET.Element, colour: str) -> None:
        if not colour:
            return
        for el in g:
            tag = el.tag.rsplit("}", 1)[-1]
            if tag in ("path", "polygon"):
                el.set("stroke", colour)
                if tag == "polygon":
                    el.set("fill", colour)
                if colour in (_EDGE_LOOK["forward"], _EDGE_LOOK["backward"]):
                    el.set("stroke-width", "2")

    @staticmethod
    def _set_texts(g: ET.Element, data_text: str | None, grad: tuple[str, str] | None) -> None:
        texts = [el for el in g if el.tag.endswith("text")]
        # The record's last fields are data then grad (see graph._record_label).
        if texts and (texts[-1].text or "").startswith(("grad ", f"{GROUP_GRAD} ")):
            if grad is not None:
                texts[-1].text = grad[0]
                texts[-1].set("fill", _GRAD_COLOUR[grad[1]])
            texts = texts[:-1]
        if (
            data_text is not None
            and texts
            and (texts[-1].text or "").startswith(("data ", f"{GROUP_DATA} "))
        ):
            texts[-1].text = data_text


def apply_patch(base: str, patch: list[list[object]]) -> str:
    """The full SVG of a frame: `base` with one `SvgStyler.patch` applied.

    >>> apply_patch('<svg xmlns="http://www.w3.org/2000/svg"><text>a</text></svg>',
    ...             [[0, {"fill": "red"}, "b"]])
    '<svg xmlns="http://www.w3.org/2000/svg"><text fill="red">b</text></svg>'
    """
    root = ET.fromstring(base)
    elements = list(root.iter())[1:]
    for index, attrs, text in patch:
        if not isinstance(index, int) or not isinstance(attrs, dict):
            raise TypeError(f"apply_patch: malformed patch entry {[index, attrs]!r}")
        element = elements[index]
        element.attrib.update({str(k): str(v) for k, v in attrs.items()})
        if text is not None:
            element.text = str(text)
    return ET.tostring(root, encoding="unicode")
