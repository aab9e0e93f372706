"""The workbench's routes, one module per resource: the page and health
(:mod:`.page`), scenarios (:mod:`.scenarios`), solve jobs (:mod:`.jobs`) and
plans (:mod:`.plans`); each has an ``APIRouter`` named ``router``."""
