"""The two indexes of a store folder: Chroma (dense) and the jieba BM25 keyword index."""
