"""Copy the policy file named by the MSI's POLICYFILE= property into %ProgramData%\\Upright.

    pythonw.exe install_policy.py SOURCE DEST_FOLDER

Run by the MSI (a deferred custom action, as the installing account) with the
embedded python it has just installed. The file is copied as it is: the agent
checks it at every start and names any mistake (`upright config check`). A
missing source fails the install, so a mistyped path does not go unnoticed.
"""

import os
import shutil
import sys
import tempfile


def main(source: str, folder: str) -> int:
    os.makedirs(folder, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=folder, prefix=".policy-", suffix=".toml")
    os.close(handle)
    try:
        shutil.copyfile(source, partial)
        os.replace(partial, os.path.join(folder, "policy.toml"))  # atomic: never half a policy
    except OSError:
        os.unlink(partial)
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
