def test_a_case_runs_from_intake_to_completion(runtime):
    started = runtime.start("review", "op1", data={"age": 70}, ward="nakahara")
    [intake] = runtime.list_tasks(role="operator")
    runtime.complete_task(intake.id, {"procedures": ["JU03"]}, "op1")
    [precheck] = runtime.list_tasks(role="dept_staff")
    assert runtime.task_data(precheck.id)["priority"] == "high"
    runtime.complete_task(precheck.id, {"checked": True}, "dept1")
    [visit] = runtime.list_tasks(role="counter")
    done = runtime.complete_task(visit.id, {"done": True}, "counter1")
    assert done.status == "completed" and done.id == started.id
