"""dealer_crm's translation files, kept in step with the code (``make pot``).

    python scripts/i18n.py pot EXPORTED.pot OUT.pot
        Odoo's export of the addon's terms (``odoo-bin --i18n-export``) written to OUT.pot
        without the header's two dates, so that the file changes only when a term does.
    python scripts/i18n.py merge TEMPLATE.pot LANG.po
        LANG.po brought up to TEMPLATE.pot, as gettext's msgmerge does: each term keeps its
        translation (and a translator's comment and fuzzy flag), a new term comes in
        untranslated, a term the template no longer has is dropped; every term takes the
        template's references and extracted comments, in the template's order.

Written with ``polib``, which Odoo itself reads and writes PO files with (it is in
Odoo's requirements): babel's PO reader drops references that carry no line number, and
Odoo's ``model:ir.model.fields,field_description:dealer_crm.field_...`` references are
what tells Odoo which record a term of a .po translates. Debian's gettext is not needed.
"""

import sys

import polib

#: header fields that change at every export
DATES = ("POT-Creation-Date", "PO-Revision-Date")


def write_template(exported, out):
    """Odoo's export ``exported``, its dates left out, written to ``out``."""
    template = polib.pofile(exported)
    for key in DATES:
        template.metadata.pop(key, None)
    template.save(out)
    return len(template)


def merge(template_path, po_path):
    """Bring the catalogue ``po_path`` up to ``template_path``; return (kept, new, dropped)."""
    template = polib.pofile(template_path)
    po = polib.pofile(po_path)
    known = {(entry.msgctxt, entry.msgid): entry for entry in po if not entry.obsolete}
    merged = polib.POFile(wrapwidth=template.wrapwidth)
    merged.header, merged.metadata = po.header, po.metadata
    kept = new = 0
    for entry in template:
        old = known.pop((entry.msgctxt, entry.msgid), None)
        merged.append(
            polib.POEntry(
                msgctxt=entry.msgctxt,
                msgid=entry.msgid,
                msgstr=old.msgstr if old else "",
                comment=entry.comment,
                tcomment=old.tcomment if old else "",
                occurrences=entry.occurrences,
                flags=old.flags if old else list(entry.flags),
            )
        )
        kept, new = (kept + 1, new) if old and old.msgstr else (kept, new + 1)
    merged.save(po_path)
    return kept, new, len(known)


def main(argv):
    if len(argv) == 3 and argv[0] == "pot":
        count = write_template(argv[1], argv[2])
        print(f"{argv[2]}: {count} terms")
    elif len(argv) == 3 and argv[0] == "merge":
        kept, new, dropped = merge(argv[1], argv[2])
        print(f"{argv[2]}: {kept} translated, {new} to translate, {dropped} dropped")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
