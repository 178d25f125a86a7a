/** Why a backup or restore was refused: a plain sentence for the operator, never personal data or key bytes. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}
