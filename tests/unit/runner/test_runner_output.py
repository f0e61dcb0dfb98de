"""The runner's output budget (``CappedClient``) for outputs that name a display id."""
import nbformat

from learnkit.runner.execute import CappedClient


def _msg(kind: str, text: str, display_id: str = "d") -> dict:
    return {"msg_type": kind, "header": {"msg_type": kind}, "parent_header": {"msg_id": "p"},
            "content": {"data": {"text/plain": text}, "metadata": {}, "transient": {"display_id": display_id}}}


def _client(budget):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("display(..., display_id=True)")])
    client = CappedClient(nb, max_output_bytes=budget)
    client.reset_execution_trackers()  # as nbclient does before the first cell
    client.clear_before_next_output = False  # as execute_cell does before each cell
    return nb, client


def test_an_update_within_the_budget_changes_the_shown_output():
    nb, client = _client(10_000)
    cell = nb.cells[0]
    client.process_message(_msg("display_data", "first"), cell, 0)
    client.process_message(_msg("update_display_data", "second"), cell, 0)
    assert [o["data"]["text/plain"] for o in cell.outputs] == ["second"]
    assert not client.truncated


def test_an_update_past_the_budget_is_dropped_and_later_displays_too():
    nb, client = _client(100)
    cell = nb.cells[0]
    client.process_message(_msg("display_data", "x" * 20), cell, 0)
    client.process_message(_msg("update_display_data", "y" * 5000), cell, 0)
    assert [o.get("data", {}).get("text/plain") for o in cell.outputs] == ["x" * 20]  # not replaced
    assert client.truncated
    client.process_message(_msg("display_data", "z" * 10), cell, 0)  # past the budget: only the notice is added
    texts = [o.get("data", {}).get("text/plain") or o.get("text", "") for o in cell.outputs]
    assert texts[0] == "x" * 20 and len(texts) == 2 and "output truncated" in texts[1]
