"""Classification and routing: the text classifier, its versions, the manual-classification queue and the department proposal."""
