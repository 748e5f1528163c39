// The scenario editor's state (issue 13 item 5): one draft, kept as the JSON text the JSON tab
// shows, read as a document by the Steps tab and checked by the CLI's parser on every change.
// The Steps tab's edits are the pure functions of scenario-draft.ts applied to the document.
import { checkDraft, draftOf, draftText, type Draft, type DraftCheck } from './scenario-draft';

/** A line the editor shows after Run, a file or an export: what happened, or what went wrong. */
export interface EditorNotice {
	ok: boolean;
	text: string;
}

export class ScenarioEditor {
	/** The draft as JSON text (what the JSON tab edits). */
	text = $state('');
	/** The draft as a document, null while the text is not a JSON object. */
	readonly draft: Draft | null = $derived(draftOf(this.text));
	/** The parser's verdict on the draft: the scenario, or the error with its JSON path. */
	readonly check: DraftCheck = $derived(checkDraft(this.text));
	notice: EditorNotice | null = $state.raw(null);

	/** Starts editing `draft` (the lab's history, or a file that loaded). */
	start(draft: Draft, notice: EditorNotice | null = null): void {
		this.text = draftText(draft);
		this.notice = notice;
	}

	/** Applies a Steps-tab edit (nothing while the JSON text is not a document). */
	edit(change: (d: Draft) => Draft): void {
		if (!this.draft) return;
		this.text = draftText(change(this.draft));
	}
}
