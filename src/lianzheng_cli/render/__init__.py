"""Documents compiled from the registers: forms, notices, catalogue, handbook, progress, PDF.

Two Word pipelines, each for a reason:

- **docxtpl forms** (forms.py; templates made by tools/make_templates.py, overridable in the
  unit's ``templates/``): the 个人岗位/科室/单位廉政风险防控表, the 廉政风险提示书 and the
  进展情况表. A clerk owns these layouts and edits them in Word, so they are real .docx files
  with Jinja tags, compiled once and rendered per register.
- **The handbook writer** (handbook.py, tables.py, docx_layout.py, docx_package.py): the
  工作手册, the 风险点目录 and the 部门权力清单. They are long, generated documents (sections,
  landscape pages, a TOC field, thousands of table rows), so they are written as
  WordprocessingML text streamed into the package of a reference template (文档样式.docx) that
  supplies styles, fonts and page-number footers; the handbook embeds the forms' docxtpl bodies.

Markdown and HTML come from the Jinja templates (*.md.j2, *.html.j2) of the one environment
(jinja_env.py) over the same views (context.py, assemble.py), in the same order. pdf.py turns
the Word files into PDF with one LibreOffice call. Nothing here is imported by ``lzfk
validate``: the Word, Jinja and graphviz libraries load only inside these modules.
"""
