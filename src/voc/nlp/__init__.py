"""Text stages: language identification, segmentation, embedding, theme assignment."""
