"""Tagged PDF and PDF/A, written by ReportLab itself: the structure tree, metadata, output intent.

Once every page is written and before ReportLab serialises the document, the `TagTree`
the layout collected becomes PDF objects of the same document: `/StructTreeRoot` with
its `/ParentTree`, `/StructParents` and `/Tabs /S` on every page, a `Link` element with
an `OBJR` (and `/StructParent`) for every link annotation, `/MarkInfo`,
`DisplayDocTitle` and an XMP packet. `pdf_standard` adds the PDF/UA-1 claim and the
PDF/A part (sRGB output intent, identification, no page transitions, printable
annotations). The file is written once: re-opening and re-writing it with pikepdf, and
validating PDF/A while building, cost more than all the tagging (the tests validate).
"""

from __future__ import annotations

from typing import Any

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfdoc import (PDFArray, PDFDictionary, PDFName, PDFObject, PDFObjectReference, PDFStream,
                                      PDFString, PDFZCompress)
from reportlab.pdfgen.canvas import Canvas

from ..tagged import Element, TagTree, srgb_profile, xmp_packet
from . import rl_compat


def finish_document(canvas: Canvas, tree: TagTree | None, standard: str) -> None:
    """Add the structure tree (if *tree*), metadata and the PDF/A part of *standard* to
    the canvas's document; an untagged PDF with no standard is left as ReportLab makes it."""
    if tree is None and standard == "none":
        return
    pages = rl_compat.written_pages(canvas)
    flavour = next((part[2:] for part in standard.split("+") if part.startswith("a-")), None)
    for page in pages:
        rl_compat.drop_page_transition(page)
    if tree is not None:
        _Structure(canvas, pages, tree).write()
    if flavour is not None:
        for page in pages:
            for annot in rl_compat.page_annotations(canvas, page):
                rl_compat.set_annotation_entries(annot, {"F": 4})  # printed, like the page
        catalog = rl_compat.pdf_document(canvas).Catalog
        rl_compat.add_entries(catalog, {"OutputIntents": PDFArray([_output_intent(canvas)])})
    lang = tree.lang if tree is not None else ""
    packet = xmp_packet(rl_compat.info_fields(canvas), lang or "x-default", "ua-1" in standard, flavour)
    metadata = PDFStream(PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}), packet)
    rl_compat.pdf_document(canvas).Catalog.Metadata = metadata
    rl_compat.sign_document(canvas, b"".join(str(page.stream).encode("utf-8", "replace") for page in pages))
    rl_compat.require_pdf_version(canvas, (1, 5))


def _output_intent(canvas: Canvas) -> Any:
    profile = PDFStream(PDFDictionary({"N": 3}), srgb_profile(), filters=[PDFZCompress])
    return PDFDictionary({"Type": PDFName("OutputIntent"), "S": PDFName("GTS_PDFA1"),
                          "OutputConditionIdentifier": PDFString("sRGB"), "Info": PDFString("sRGB"),
                          "DestOutputProfile": rl_compat.pdf_document(canvas).Reference(profile)})


class _Structure:
    """The structure tree of one document, as ReportLab objects."""

    def __init__(self, canvas: Canvas, pages: list[Any], tree: TagTree):
        self.canvas, self.tree = canvas, tree
        self.doc = rl_compat.pdf_document(canvas)
        self.pages = pages
        self.page_refs = [self.doc.Reference(page) for page in pages]
        self.annots = [rl_compat.page_annotations(canvas, page) for page in pages]
        self.root = _Dict({"Type": "/StructTreeRoot"})
        self.root_ref = self.doc.Reference(self.root)
        self.elements = [_Dict({"Type": "/StructElem", "S": "/" + e.role}) for e in tree.elements]  # roles are plain names
        self.refs = [self.doc.Reference(element) for element in self.elements]
        self.marked: dict[int, dict[int, Any]] = {}
        self.links: list[Any] = []
        self.claimed: set[tuple[int, int]] = set()

    def write(self) -> None:
        for number, element in enumerate(self.tree.elements):
            self._element(number, element)
        document = self.elements[0]
        for page, annots in enumerate(self.annots):  # link annotations drawn outside any element: the document's
            for index, annot in enumerate(annots):
                if (page, index) not in self.claimed and _is_link(annot):
                    document["K"].append(self._link(self.refs[0], page, annot, "", reference=True))
        nums: list[Any] = []
        for index, page in enumerate(self.pages):
            entries: dict[str, Any] = {"Tabs": PDFName("S")}
            by_mcid = self.marked.get(index)
            if by_mcid:
                entries["StructParents"] = index
                nums += [index, [by_mcid.get(m, self.refs[0]) for m in range(max(by_mcid) + 1)]]
            rl_compat.add_entries(page, entries)
        for offset, link in enumerate(self.links):
            nums += [len(self.pages) + offset, link]
        self.root["K"] = [self.refs[0]]
        self.root["RoleMap"] = _Dict({"Aside": "/Div"})  # PDF 2.0's Aside, a Div to PDF 1.7 readers
        self.root["ParentTree"] = self.doc.Reference(_Dict({"Nums": nums}))
        self.root["ParentTreeNextKey"] = len(self.pages) + len(self.links)
        catalog = self.doc.Catalog
        catalog.StructTreeRoot = self.root
        catalog.MarkInfo = PDFDictionary({"Marked": "true"})
        self.canvas.setViewerPreference("DisplayDocTitle", "true")

    def _element(self, number: int, element: Element) -> None:
        obj = self.elements[number]
        obj["P"] = self.root_ref if element.parent < 0 else self.refs[element.parent]
        if element.alt:
            obj["Alt"] = PDFString(element.alt)
        if element.lang:
            obj["Lang"] = PDFString(element.lang)
        if element.role == "Note":
            obj["ID"] = PDFString(f"note-{number}")  # PDF/UA-1 asks every Note for an ID
        if element.scope:
            obj["A"] = _Dict({"O": "/Table", "Scope": "/" + element.scope})
        kids: list[Any] = []
        texts = iter(element.link_texts)
        page = next((first for kind, first, _ in element.contents if kind == "mcr"), None)
        if page is not None:  # its page: marked content there is just its MCID
            obj["Pg"] = self.page_refs[page]
        for kind, first, second in element.contents:
            if kind == "kid":
                kids.append(self.refs[first])
            elif kind == "mcr":
                kids.append(second if first == page else
                            _Dict({"Type": "/MCR", "Pg": self.page_refs[first], "MCID": second}))
                self.marked.setdefault(first, {})[second] = self.refs[number]
            else:
                self.claimed.add((first, second))
                kids.append(self._link(self.refs[number], first, self.annots[first][second], next(texts, ""),
                                       reference=element.role != "TOCI"))
        obj["K"] = kids

    def _link(self, parent: Any, page: int, annot: Any, text: str, reference: bool = False) -> Any:
        """A `Link` element owning *annot* (an `OBJR`), the annotation pointing back by its
        key in the parent tree, both described by the link's visible text (and its address).

        With *reference*, a link within the document (a citation marker, a note call, a
        cross-reference) is a `Link` inside a `Reference`, which is returned."""
        key = len(self.pages) + len(self.links)
        action = rl_compat.annotation_entry(annot, "A")
        uri = str(getattr(action.dict.get("URI"), "s", "")) if isinstance(action, PDFDictionary) else ""
        target = getattr(rl_compat.annotation_entry(annot, "Dest"), "name", "") if not uri else ""
        wrapper = None
        if reference and target:
            wrapper = _Dict({"Type": "/StructElem", "S": "/Reference", "P": parent})
            parent = self.doc.Reference(wrapper)
        if not text and not uri:  # text not known (a note call): where it goes
            text = f"link to {target}" if target else "link"
        entries: dict[str, Any] = {"StructParent": key, "F": 4}
        if rl_compat.annotation_entry(annot, "Contents") is None:
            entries["Contents"] = PDFString(" ".join(p for p in (text, f"({uri})" if text and uri else uri) if p))
        rl_compat.set_annotation_entries(annot, entries)
        annot_ref = self.doc.Reference(annot)
        link = _Dict({"Type": "/StructElem", "S": "/Link", "P": parent, "Pg": self.page_refs[page],
                      "K": [_Dict({"Type": "/OBJR", "Obj": annot_ref, "Pg": self.page_refs[page]})]})
        if text:
            link["Alt"] = PDFString(text)
        ref = self.doc.Reference(link)
        self.links.append(ref)
        if wrapper is None:
            return ref
        wrapper["K"] = [ref]
        return parent


def _is_link(annot: Any) -> bool:
    subtype = rl_compat.annotation_entry(annot, "Subtype")
    return str(subtype or "/Link") == "/Link"


class _Dict(PDFObject):
    """A dictionary of names ("/Name"), integers, references, lists and other PDF objects,
    written directly: ReportLab's general formatting checks every key's characters on
    each write, which for the ~4,000 small dictionaries of a long brief's tree cost more
    than building them."""

    def __init__(self, entries: dict[str, Any]):
        self.entries = entries

    def __getitem__(self, key: str) -> Any:
        return self.entries[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.entries[key] = value

    def format(self, document: Any) -> bytes:
        return b"<< " + b" ".join(b"/" + key.encode("ascii") + b" " + _value(value, document)
                                  for key, value in self.entries.items()) + b" >>"


def _value(value: Any, document: Any) -> bytes:
    if isinstance(value, PDFObjectReference):
        return b"%d %d R" % document.idToObjectNumberAndVersion[value.name]
    if isinstance(value, int):
        return b"%d" % value
    if isinstance(value, str):  # a name
        return value.encode("ascii")
    if isinstance(value, list):
        return b"[" + b" ".join(_value(item, document) for item in value) + b"]"
    return bytes(pdfdoc.format(value, document))
