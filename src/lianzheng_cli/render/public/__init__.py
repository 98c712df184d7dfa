"""The public edition (公示): the data without people, the static site, the Word 公示一览表."""
