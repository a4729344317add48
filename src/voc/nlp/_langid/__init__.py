"""Internals of :mod:`voc.nlp.langid`: text cleaning, backends, the n-gram model, rules."""
