/**
 * Picking a person by name instead of typing an id: an ARIA 1.2 combobox
 * (a text box with a list of matches as you type; arrow keys move, Enter
 * picks, Escape closes). What the form submits is the picked id, in a hidden
 * input named `name`; the text box refuses submission until a name from the
 * list is picked. StaffPicker draws from the staff directory (staff names are
 * not patient data).
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { StaffDirectory } from '../api-types.js';
import { useResource } from '../hooks.js';

export interface PickerOption {
  readonly id: string;
  readonly label: string;
  /** Shown after the label (e.g. "disabled"). */
  readonly hint?: string;
}

const MAX_SHOWN = 8;

export function NamePicker(props: { id: string; name: string; label: string; options: readonly PickerOption[] | undefined; required?: boolean; onPick?: (option: PickerOption | undefined) => void; placeholder?: string }) {
  const [text, setText] = useState('');
  const [picked, setPicked] = useState<PickerOption>();
  const [isOpen, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const listId = useId();
  const statusId = useId();
  const matches = useMemo(() => {
    const query = text.trim().toLowerCase();
    return (props.options ?? []).filter((o) => query === '' || o.label.toLowerCase().includes(query)).slice(0, MAX_SHOWN);
  }, [text, props.options]);

  useEffect(() => {
    input.current?.setCustomValidity(props.required && !picked ? 'Pick a name from the list.' : '');
  }, [picked, props.required]);

  const choose = (option: PickerOption | undefined) => {
    setPicked(option);
    setText(option?.label ?? '');
    setOpen(false);
    props.onPick?.(option);
  };
  const showList = isOpen && matches.length > 0;
  const activeOption = showList ? matches[Math.min(active, matches.length - 1)] : undefined;

  return (
    <div className="combobox">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        ref={input}
        id={props.id}
        type="text"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={showList}
        aria-controls={listId}
        aria-describedby={statusId}
        {...(activeOption ? { 'aria-activedescendant': `${listId}-${activeOption.id}` } : {})}
        value={text}
        placeholder={props.placeholder ?? 'Start typing a name'}
        required={props.required}
        onChange={(event) => {
          setText(event.target.value);
          setActive(0);
          setOpen(true);
          if (picked && event.target.value !== picked.label) {
            setPicked(undefined);
            props.onPick?.(undefined);
          }
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown') {
            event.preventDefault();
            if (!isOpen) setOpen(true);
            else setActive((a) => Math.min(a + 1, matches.length - 1));
          } else if (event.key === 'ArrowUp') {
            event.preventDefault();
            setActive((a) => Math.max(a - 1, 0));
          } else if (event.key === 'Enter' && activeOption) {
            event.preventDefault();
            choose(activeOption);
          } else if (event.key === 'Escape') {
            if (showList) {
              event.preventDefault();
              setOpen(false);
            } else choose(undefined);
          }
        }}
      />
      <input type="hidden" name={props.name} value={picked?.id ?? ''} />
      <ul id={listId} role="listbox" aria-label={props.label} hidden={!showList}>
        {matches.map((option, i) => (
          <li
            key={option.id}
            id={`${listId}-${option.id}`}
            role="option"
            aria-selected={option === activeOption}
            // mousedown, not click: picking must happen before the text box's blur closes the list.
            onMouseDown={(event) => {
              event.preventDefault();
              choose(option);
            }}
            onMouseMove={() => setActive(i)}
          >
            {option.label}
            {option.hint && <span className="hint"> ({option.hint})</span>}
          </li>
        ))}
      </ul>
      <p id={statusId} className="picked" aria-live="polite">
        {props.options === undefined ? 'Loading names…' : picked ? `Picked: ${picked.label}` : isOpen && text.trim() !== '' && matches.length === 0 ? 'No one matches that name.' : ''}
      </p>
    </div>
  );
}

/** A staff member, by name, from the staff directory. */
export function StaffPicker(props: { id: string; name: string; label: string; required?: boolean; includeDisabled?: boolean; onPick?: (option: PickerOption | undefined) => void }) {
  const { data } = useResource<StaffDirectory>('/api/v1/staff/directory');
  const options = useMemo(() => data?.staff.filter((s) => props.includeDisabled || !s.isDisabled).map((s) => ({ id: s.id, label: s.name, ...(s.isDisabled ? { hint: 'disabled' } : {}) })), [data, props.includeDisabled]);
  return <NamePicker id={props.id} name={props.name} label={props.label} options={options} {...(props.required ? { required: true } : {})} {...(props.onPick ? { onPick: props.onPick } : {})} />;
}
