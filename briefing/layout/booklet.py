"""Booklet imposition: an A5 (or half-Letter) edition onto A4 (or Letter) sheets, two up,
in saddle-stitch order, ready for a duplex printer (flip on the short edge)."""

from __future__ import annotations

import io


def saddle_stitch_order(pages: int) -> list[tuple[int | None, int | None]]:
    """(left, right) page indexes for each sheet side, front then back; None is a blank.

    Pages are padded to a multiple of four: an 8-page booklet prints 8|1, 2|7, 6|3, 4|5.
    """
    total = -(-pages // 4) * 4
    order = []
    for sheet in range(total // 4):
        front = (total - 1 - 2 * sheet, 2 * sheet)
        back = (2 * sheet + 1, total - 2 - 2 * sheet)
        for left, right in (front, back):
            order.append((left if left < pages else None, right if right < pages else None))
    return order


#: Booklet page sizes (points) and the sheet each is printed on, landscape.
SHEETS = {(420, 595): (842, 595), (396, 612): (792, 612)}  # A5 -> A4, half-Letter -> Letter


def impose_booklet(data: bytes) -> bytes:
    from pypdf import PageObject, PdfReader, PdfWriter, Transformation  # only booklets need it

    reader = PdfReader(io.BytesIO(data))
    first = reader.pages[0]
    width, height = float(first.mediabox.width), float(first.mediabox.height)
    sheet_width, sheet_height = SHEETS.get((round(width), round(height)), (2 * width, height))
    margin = (sheet_width - 2 * width) / 2  # A5 pair is 296 mm on a 297 mm sheet: centre it
    writer = PdfWriter()
    for left, right in saddle_stitch_order(len(reader.pages)):
        sheet = PageObject.create_blank_page(width=sheet_width, height=sheet_height)
        for index, dx in ((left, margin), (right, margin + width)):
            if index is not None:
                sheet.merge_transformed_page(reader.pages[index], Transformation().translate(tx=dx))
        writer.add_page(sheet)
    if reader.metadata:
        writer.add_metadata({k: v for k, v in reader.metadata.items()})
    out = io.BytesIO()
    writer.write(out)  # pypdf writes no random /ID or dates: the same edition gives the same bytes
    return out.getvalue()
