import json
from datetime import UTC, datetime
from tests.e2e.conftest import RunningBot
from tests.fakes import teams_activities as ta
from tests.fakes.teams_forms import card_of, submit_value, inputs

async def test_probe(bot: RunningBot):
    c = bot.connector
    r = await bot.teams_post(ta.message("hello", service_url=c.url, conversation_id="a:ana-1on1", activity_id="a1"))
    r = await bot.teams_post(ta.message("hello", service_url=c.url, user_id="29:bob", user_name="Bob", aad_object_id="aad-bob", timezone="America/New_York", conversation_id="a:bob-1on1", activity_id="b1"))
    c.log.clear()
    r = await bot.teams_post(ta.channel_mention_message("standup setup", service_url=c.url, activity_id="s1"))
    print(r.status)
    for call in c.calls:
        print(call.method, call.path, json.dumps(call.args)[:3000])
    call = c.calls[-1]
    card = card_of(call)
    print(list(inputs(card)))
    v = submit_value(card, {"name": "Partner team", "participants": ["aad-ana", "aad-bob"], "reminder_minutes": "60", "questions": "A?\nB?"})
    print(v)
    c.log.clear()
    r = await bot.teams_post(ta.card_submit(v, service_url=c.url, conversation_id=f"{ta.CHANNEL_ID};messageid=1700000000000", conversation_type="channel", reply_to_id=call.args.get("id") or "x", activity_id="s2"))
    print(r.status)
    for call in c.calls:
        print(call.method, call.path, json.dumps(call.args)[:1500])
