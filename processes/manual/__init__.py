"""The manuals per role (spec 5(2) 操作教育、マニュアル等の作成): plain-Japanese steps in manual.yaml, each naming the
screen (address and what the browser does there) whose screenshot illustrates it; built as HTML and A4 PDF."""
