"""The Pod Security Standards, one rule per control, evaluated as Pod Security Admission
does (kubelint/pss.py). Off by default: a PSS profile turns them on."""
