"""Write the MSI's file list (a WiX fragment) for a program folder, with ids that never change.

    python3 deploy/windows/harvest.py build/windows/Upright > files.wxs

One component per file, as Windows Installer's component rules want. Each
component's GUID and each id derive from the file's path inside the folder, so
the same file keeps the same component from one Upright release to the next:
a major upgrade then hands the files over instead of removing what the new
version has just installed (wixl-heat draws new ids at every run).
"""

import hashlib
import sys
import uuid
from pathlib import Path
from xml.sax.saxutils import quoteattr

NAMESPACE = uuid.UUID("AF76DE3E-E4FA-4371-8A3B-CD3CA54E80F4")  # the UpgradeCode: Upright's own namespace
SKIP = {"pythonw.exe"}  # named in upright.wxs itself


def ident(prefix: str, path: str) -> str:
    return prefix + hashlib.sha256(path.encode()).hexdigest()[:32].upper()


def fragment(folder: Path) -> str:
    lines, refs = [], []

    def walk(directory: Path, depth: int) -> None:
        pad = "  " * depth
        for entry in sorted(directory.iterdir(), key=lambda p: p.name):
            rel = entry.relative_to(folder).as_posix()
            if entry.is_dir():
                lines.append(f'{pad}<Directory Id="{ident("dir", rel)}" Name={quoteattr(entry.name)}>')
                walk(entry, depth + 1)
                lines.append(f"{pad}</Directory>")
            elif rel not in SKIP:
                component = ident("cmp", rel)
                refs.append(component)
                guid = str(uuid.uuid5(NAMESPACE, rel.lower())).upper()
                lines.append(f'{pad}<Component Id="{component}" Guid="{guid}" Win64="yes">')
                lines.append(f'{pad}  <File Id="{ident("fil", rel)}" Name={quoteattr(entry.name)} KeyPath="yes" '
                             f'Source={quoteattr("$(var.SourceDir)/" + rel)}/>')
                lines.append(f"{pad}</Component>")

    walk(folder, 3)
    return "\n".join([
        '<?xml version="1.0" encoding="utf-8"?>',
        '<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">',
        "  <Fragment>",
        '    <DirectoryRef Id="INSTALLDIR">',
        *lines,
        "    </DirectoryRef>",
        '    <ComponentGroup Id="ProgramFiles">',
        *(f'      <ComponentRef Id="{ref}"/>' for ref in refs),
        "    </ComponentGroup>",
        "  </Fragment>",
        "</Wix>",
        "",
    ])


if __name__ == "__main__":
    sys.stdout.write(fragment(Path(sys.argv[1])))
