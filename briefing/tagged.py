"""Stage 5, accessible and archival PDF: the structure tree, metadata and PDF/A, with pikepdf.

The layout marks each element's content while drawing (`layout/tagging.py`) and hands
over a `TagTree`; ReportLab cannot write a structure tree, so it is added here to the
written bytes: `/StructTreeRoot` with its `/ParentTree`, `/StructParents` and `/Tabs /S`
on every page, a `Link` element with an `OBJR` (and `/StructParent`) for every link
annotation, `/MarkInfo`, `DisplayDocTitle` and an XMP packet with the title and
language. `pdf_standard` adds the PDF/UA-1 claim and/or PDF/A through `pikepdf.pdfa`,
which validates the bytes it writes. The output is reproducible: the document ID is
derived from the content and every date comes from the PDF's own Info dictionary.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from .errors import BriefingError
from .model import Block, Callout, Document, Figure, Heading, ListBlock, Quote

@dataclass(frozen=True)
class Element:
    """One structure element: its role, parent (index, -1 for the root) and contents in order.

    A content is ("kid", element index, 0), ("mcr", page index, MCID) or ("annot", page
    index, index in the page's /Annots).
    """

    role: str
    parent: int
    alt: str
    scope: str
    contents: tuple[tuple[str, int, int], ...]
    link_texts: tuple[str, ...] = ()
    """The visible text of each of its link annotations, in order ("" when not known)."""


@dataclass(frozen=True)
class TagTree:
    elements: tuple[Element, ...]
    """The root (`Document`) first, every element after its parent."""
    title: str
    lang: str


def ua_errors(document: Document) -> list[BriefingError]:
    """What PDF/UA-1 forbids and a brief can get wrong, at its file and line: a figure
    without alt text, a heading more than one level below the one before it."""
    errors: list[BriefingError] = []
    for section in document.sections:
        level = 1
        for block in _all_blocks(section.blocks):
            if isinstance(block, Figure) and not block.alt.strip():
                errors.append(BriefingError(f"image '{block.path.name}' has no alt text, which PDF/UA-1 requires: "
                                            "describe it in ![…](…)", block.pos.path, block.pos.line))
            elif isinstance(block, Heading):
                if block.level > level + 1:
                    errors.append(BriefingError(f"a level-{block.level} heading follows a level-{level} one, which "
                                                f"PDF/UA-1 forbids: use {'#' * (level + 1)}", block.pos.path,
                                                block.pos.line))
                level = block.level
    return errors


def _all_blocks(blocks: tuple[Block, ...]) -> list[Block]:
    out: list[Block] = []
    for block in blocks:
        out.append(block)
        if isinstance(block, (Quote, Callout)):
            out += _all_blocks(block.blocks)
        elif isinstance(block, ListBlock):
            for item in block.items:
                out += _all_blocks(item)
    return out


def finish_pdf(data: bytes, tree: TagTree | None, standard: str = "none") -> bytes:
    """*data* with its structure tree (if *tree*), metadata and the PDF/A part of *standard*;
    an untagged PDF with no standard is ReportLab's bytes as they are."""
    if tree is None and standard == "none":
        return data
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            if "/Trans" in page.obj:  # ReportLab's empty transition: PDF/A rejects it
                del page.obj["/Trans"]
        if tree is not None:
            _structure(pdf, tree)
            _catalog(pdf, tree)
        ua = "ua-1" in standard
        _metadata(pdf, tree, ua)
        out = io.BytesIO()
        flavour = next((part[2:] for part in standard.split("+") if part.startswith("a-")), None)
        if flavour is None:
            pdf.save(out, deterministic_id=True)
            return out.getvalue()
        _save_pdfa(pdf, out, flavour)
    return _stamp_pdfa(out.getvalue(), tree, ua, flavour)


def _save_pdfa(pdf: Any, out: io.BytesIO, flavour: str) -> None:
    """Prepare, write and validate the PDF/A file (without the PDF/UA claim: pikepdf's
    validator does not know the `pdfuaid` schema)."""
    import pikepdf.pdfa

    try:
        pikepdf.pdfa.save(pdf, out, flavour, deterministic_id=True)
    except pikepdf.pdfa.PdfaError as error:
        problems = "; ".join(str(finding) for finding in list(getattr(error.report, "findings", ()))[:3])
        raise BriefingError(f"the PDF could not be made PDF/A-{flavour}: {problems or error}") from None


def _stamp_pdfa(data: bytes, tree: TagTree | None, ua: bool, flavour: str) -> bytes:
    """The validated PDF/A file with our own XMP packet: the PDF's own date as
    MetadataDate instead of the time of the build (so the bytes are reproducible), the
    PDF/A identification, and the PDF/UA claim pikepdf's validator does not accept.

    Only the XMP stream changes, so the file is not validated a second time (that
    costs seconds for a long brief); the tests validate the final bytes."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        _metadata(pdf, tree, ua, pdfa=flavour)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
    return out.getvalue()


def _structure(pdf: Any, tree: TagTree) -> None:
    from pikepdf import Array, Dictionary, Name, String

    pages = [page.obj for page in pdf.pages]
    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    elements = [pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name("/" + e.role))) for e in tree.elements]
    marked: dict[int, dict[int, Any]] = {}
    links: list[Any] = []
    for number, (element, obj) in enumerate(zip(tree.elements, elements)):
        obj.P = root if element.parent < 0 else elements[element.parent]
        if element.alt:
            obj.Alt = String(element.alt)
        if element.role == "Note":
            obj.ID = String(f"note-{number}")  # PDF/UA-1 asks every Note for an ID
        if element.scope:
            obj.A = Dictionary(O=Name.Table, Scope=Name("/" + element.scope))
        kids = Array()
        texts = iter(element.link_texts)
        for kind, first, second in element.contents:
            if kind == "kid":
                kids.append(elements[first])
            elif kind == "mcr":
                kids.append(Dictionary(Type=Name.MCR, Pg=pages[first], MCID=second))
                marked.setdefault(first, {})[second] = obj
            else:
                kids.append(_link(pdf, obj, pages[first], pages[first].Annots[second], len(pages) + len(links),
                                  next(texts, "")))
                links.append(kids[len(kids) - 1])
        obj.K = kids
    document = elements[0]
    for page in pages:  # link annotations drawn outside any element (none today): under the document
        for annot in page.get("/Annots", Array()):
            if annot.get("/Subtype") == Name.Link and "/StructParent" not in annot:
                link = _link(pdf, document, page, annot, len(pages) + len(links))
                document.K.append(link)
                links.append(link)
    nums: list[Any] = []  # a Python list: extending a pikepdf Array copies it each time
    for index, page in enumerate(pages):
        page.Tabs = Name.S
        if index in marked:
            page.StructParents = index
            by_mcid = marked[index]
            nums.extend([index, Array([by_mcid.get(m, document) for m in range(max(by_mcid) + 1)])])
    for offset, link in enumerate(links):
        nums.extend([len(pages) + offset, link])
    root.K = Array([document])
    root.RoleMap = Dictionary(Aside=Name.Div)  # PDF 2.0's Aside, a Div to PDF 1.7 readers
    root.ParentTree = pdf.make_indirect(Dictionary(Nums=Array(nums)))
    root.ParentTreeNextKey = len(pages) + len(links)
    pdf.Root.StructTreeRoot = root


def _link(pdf: Any, parent: Any, page: Any, annot: Any, key: int, text: str = "") -> Any:
    """A `Link` element owning *annot* (an `OBJR`), the annotation pointing back by *key*,
    both described by the link's visible text (and its address)."""
    from pikepdf import Array, Dictionary, Name, String

    annot.StructParent = key
    annot.F = 4  # printed, like the text it covers
    uri = str(annot.A.URI) if "/A" in annot and "/URI" in annot.A else ""
    if not text and not uri:  # text not known (a note call): where it goes
        target = annot.get("/Dest", annot.A.get("/D", "") if "/A" in annot else "")
        text = f"link to {str(target).lstrip('/')}" if str(target) else "link"
    description = " ".join(part for part in (text, uri and f"({uri})" if text else uri) if part)
    if "/Contents" not in annot and description:
        annot.Contents = String(description)
    link = Dictionary(Type=Name.StructElem, S=Name.Link, P=parent, Pg=page,
                      K=Array([Dictionary(Type=Name.OBJR, Obj=annot, Pg=page)]))
    if text:
        link.Alt = String(text)
    return pdf.make_indirect(link)


def _catalog(pdf: Any, tree: TagTree) -> None:
    from pikepdf import Dictionary, Name, String

    pdf.Root.MarkInfo = Dictionary(Marked=True)
    pdf.Root.Lang = String(tree.lang)
    preferences = pdf.Root.get("/ViewerPreferences", Dictionary())
    preferences.DisplayDocTitle = True
    pdf.Root.ViewerPreferences = preferences
    pdf.docinfo[Name.Title] = String(tree.title)


def _metadata(pdf: Any, tree: TagTree | None, ua: bool, pdfa: str | None = None) -> None:
    """An XMP packet from the Info dictionary (so its dates are the PDF's own), with the language."""
    from pikepdf import Name, Stream

    info = {str(key)[1:]: str(value) for key, value in pdf.docinfo.items()}
    lang = tree.lang if tree is not None else str(pdf.Root.get("/Lang", "")) or "x-default"
    fields = [
        f"<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{xml_escape(info.get('Title', ''))}</rdf:li></rdf:Alt></dc:title>",
        f"<dc:language><rdf:Bag><rdf:li>{xml_escape(lang)}</rdf:li></rdf:Bag></dc:language>",
        f"<pdf:Producer>{xml_escape(info.get('Producer', ''))}</pdf:Producer>",
        f"<xmp:CreatorTool>{xml_escape(info.get('Creator', ''))}</xmp:CreatorTool>",
    ]
    if info.get("Author"):
        fields.append(f"<dc:creator><rdf:Seq><rdf:li>{xml_escape(info['Author'])}</rdf:li></rdf:Seq></dc:creator>")
    if info.get("Subject"):
        fields.append(f"<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{xml_escape(info['Subject'])}"
                      "</rdf:li></rdf:Alt></dc:description>")
    for key, name in (("CreationDate", "CreateDate"), ("ModDate", "ModifyDate"), ("ModDate", "MetadataDate")):
        if key in info:
            fields.append(f"<xmp:{name}>{_xmp_date(info[key])}</xmp:{name}>")
    if pdfa:
        fields.append(f"<pdfaid:part>{pdfa[0]}</pdfaid:part><pdfaid:conformance>{pdfa[1].upper()}</pdfaid:conformance>")
    if ua:
        fields.append("<pdfuaid:part>1</pdfuaid:part>")
    packet = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
        'xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">'
        + "".join(fields) + '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    )
    stream = Stream(pdf, packet.encode("utf-8"))
    stream.Type, stream.Subtype = Name.Metadata, Name.XML
    pdf.Root.Metadata = pdf.make_indirect(stream)


def _xmp_date(pdf_date: str) -> str:
    """D:20221007000000+00'00' -> 2022-10-07T00:00:00+00:00."""
    d = pdf_date[2:] if pdf_date.startswith("D:") else pdf_date
    stamp = f"{d[0:4]}-{d[4:6]}-{d[6:8]}T{d[8:10] or '00'}:{d[10:12] or '00'}:{d[12:14] or '00'}"
    zone = d[14:].replace("'", "")
    if zone in ("", "Z"):
        return stamp + "Z"
    return f"{stamp}{zone[0]}{zone[1:3]}:{zone[3:5] or '00'}"
