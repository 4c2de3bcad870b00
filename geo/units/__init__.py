"""Units: boundary-set registry and files, the unit index every match uses, official codes, crosswalks between vintages, data on another vintage. Imports geo.text and geo.reference."""
