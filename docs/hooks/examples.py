"""mkdocs hook: the site serves the example scripts the pages link to.

The pages link to `../examples/NAME.py`, which works when they are read on disk or on
a code host; for the site, the scripts are added to its files as `examples/NAME.py` and
the links are pointed at them (mkdocs then checks them like any other link).
"""
import pathlib

from mkdocs.structure.files import File

ROOT = pathlib.Path(__file__).resolve().parents[2]


def on_files(files, config):
    for path in sorted((ROOT / "examples").glob("*.py")):
        files.append(File(f"examples/{path.name}", str(ROOT), config["site_dir"],
                          config["use_directory_urls"]))
    return files


def on_page_markdown(markdown, page, config, files):
    return markdown.replace("](../examples/", "](examples/")
