"""The app's dialogs: one typed form base and one confirm dialog.

* :class:`FormDialog` — ``ModalScreen[T]`` whose result is a dataclass ``T`` (None when
  cancelled); a refused input keeps it open with the message under the fields;
* :class:`ConfirmDialog` — ja/nei before something that cannot be undone (``ModalScreen[bool]``).
"""

from rsapp.dialogs.confirm import ConfirmDialog
from rsapp.dialogs.form import FormDialog, FormError

__all__ = ["ConfirmDialog", "FormDialog", "FormError"]
