"""The back office's pages, one module each; each exports `routes`."""
