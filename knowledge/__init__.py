"""The procedure catalogue, Vietnamese text normalisation and question matching."""
