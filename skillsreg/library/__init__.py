"""The community library: documents, versions, files, the Atom feed and publishing targets."""
