"""REST API of the expert review (mounted at /api/experts/): the same services and access rules as the pages."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from experts import access, services
from experts import serializers as s
from experts.matching import CONSTRAINTS, Infeasible
from experts.models import ReviewRound


def round_json(r: ReviewRound) -> dict[str, Any]:
    return {"id": r.pk, "name": r.name, "stage": r.stage, "status": r.status, "status_display": r.get_status_display(),
            "reviewers_per_item": r.reviewers_per_item, "min_load": r.min_load, "max_load": r.max_load,
            "method": r.method, "seed": r.seed, "deadline": r.deadline, "items": r.items.count(),
            "solve_state": r.solve_state, "solve_progress": r.solve_progress, "solve_message": r.solve_message,
            "solve_stats": r.solve_stats}


def _bad(exc: services.ReviewError) -> Response:
    return Response({"detail": exc.message, "field": exc.field}, status=status.HTTP_400_BAD_REQUEST)


def _infeasible(exc: Infeasible) -> Response:
    return Response({"detail": exc.message, "constraint": exc.constraint,
                     "constraint_display": CONSTRAINTS.get(exc.constraint, exc.constraint), "items": exc.details[:50]},
                    status=status.HTTP_409_CONFLICT)


def _manager(request: Request) -> None:
    if not access.is_manager(request.user):
        raise NotFound(access.NOT_FOUND)


def _round(request: Request, pk: int) -> ReviewRound:
    _manager(request)
    r = access.rounds_for(request.user).filter(pk=pk).first()
    if r is None:
        raise NotFound(access.NOT_FOUND)
    return r


class RoundListView(APIView):
    @extend_schema(responses=s.RoundOutSerializer(many=True), summary="评审批次列表（市科技局）")
    def get(self, request: Request) -> Response:
        _manager(request)
        return Response([round_json(r) for r in access.rounds_for(request.user)[:200]])

    @extend_schema(request=s.RoundInSerializer, responses={201: s.RoundOutSerializer}, summary="创建评审批次（含项目）")
    def post(self, request: Request) -> Response:
        _manager(request)
        ser = s.RoundInSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        items = [dict(i) for i in d.pop("items")]
        d["criteria"] = [dict(c) for c in d["criteria"]]
        if "review_start" not in d:
            d["review_start"] = timezone.localdate()
        try:
            r = services.create_round(request.user, items=items, **d)
        except services.ReviewError as exc:
            return _bad(exc)
        return Response(round_json(r), status=status.HTTP_201_CREATED)


class RoundDetailView(APIView):
    @extend_schema(responses=s.RoundOutSerializer, summary="评审批次详情与求解进度")
    def get(self, request: Request, pk: int) -> Response:
        return Response(round_json(_round(request, pk)))


class RoundItemsView(APIView):
    @extend_schema(request=s.ItemInSerializer(many=True), responses={201: s.RoundOutSerializer}, summary="添加项目")
    def post(self, request: Request, pk: int) -> Response:
        r = _round(request, pk)
        ser = s.ItemInSerializer(data=request.data, many=True)
        ser.is_valid(raise_exception=True)
        try:
            services.add_items(r, [dict(i) for i in ser.validated_data])
        except services.ReviewError as exc:
            return _bad(exc)
        return Response(round_json(r), status=status.HTTP_201_CREATED)


class RoundActionView(APIView):
    action_name = ""

    @extend_schema(request=None, responses={200: s.RoundOutSerializer, 202: s.RoundOutSerializer,
                                            409: s.InfeasibleSerializer},
                   summary="分配专家（solve）、发布（publish）或结束（close）")
    def post(self, request: Request, pk: int) -> Response:
        r = _round(request, pk)
        try:
            if self.action_name == "solve":
                state = services.request_solve(r, request.user)
                r.refresh_from_db()
                return Response(round_json(r), status=status.HTTP_202_ACCEPTED if state == "queued" else status.HTTP_200_OK)
            r = services.transition(r, self.action_name, request.user, reason=str(request.data.get("reason", "") or ""))
        except Infeasible as exc:
            return _infeasible(exc)
        except services.ReviewError as exc:
            return _bad(exc)
        return Response(round_json(r))


class RoundScoresView(APIView):
    @extend_schema(responses=s.ItemScoreSerializer(many=True), summary="各项目汇总得分（不含评审专家姓名）")
    def get(self, request: Request, pk: int) -> Response:
        return Response(services.aggregated_scores(_round(request, pk)))


class MyAssignmentsView(APIView):
    @extend_schema(responses=s.AssignmentOutSerializer(many=True), summary="我的评审任务（专家）")
    def get(self, request: Request) -> Response:
        expert = access.expert_of(request.user)
        if expert is None:
            raise NotFound(access.NOT_FOUND)
        qs = access.assignments_for(request.user).filter(expert=expert)
        return Response([{"id": a.pk, "round": a.round.name, "item_id": a.item_id, "title": a.item.title,
                          "status": a.status, "deadline": a.round.deadline, "criteria": a.round.criteria_list()}
                         for a in qs])


def _own(request: Request, pk: int):
    try:
        return access.get_own_assignment(request.user, pk)
    except Exception:
        raise NotFound(access.NOT_FOUND) from None


class ReviewView(APIView):
    @extend_schema(request=s.ReviewInSerializer, responses={201: s.ReviewOutSerializer}, summary="提交评分与评审意见")
    def post(self, request: Request, pk: int) -> Response:
        a = _own(request, pk)
        ser = s.ReviewInSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        try:
            review = services.submit_review(request.user, a, ser.validated_data["scores"], ser.validated_data["comment"])
        except services.ReviewError as exc:
            return _bad(exc)
        return Response({"assignment": a.pk, "total": str(review.total)}, status=status.HTTP_201_CREATED)


class ConflictView(APIView):
    @extend_schema(request=s.ConflictInSerializer, responses=s.ConflictOutSerializer, summary="申请回避（自动改派）")
    def post(self, request: Request, pk: int) -> Response:
        a = _own(request, pk)
        ser = s.ConflictInSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        try:
            new = services.declare_conflict(request.user, a, ser.validated_data["reason"])
        except services.ReviewError as exc:
            return _bad(exc)
        return Response({"withdrawn": a.pk, "replaced": new is not None})


class RespondView(APIView):
    answer = ""

    @extend_schema(request=s.ConflictInSerializer, responses=s.ConflictOutSerializer,
                   summary="接受（accept）或谢绝（decline，自动改派候补专家）评审邀请")
    def post(self, request: Request, pk: int) -> Response:
        a = _own(request, pk)
        try:
            if self.answer == "accept":
                services.accept(request.user, a)
                return Response({"withdrawn": 0, "replaced": False})
            new = services.decline(request.user, a, str(request.data.get("reason", "")))
        except services.ReviewError as exc:
            return _bad(exc)
        return Response({"withdrawn": a.pk, "replaced": new is not None})


class MatchView(APIView):
    @extend_schema(request=s.MatchInSerializer, responses=s.MatchOutSerializer(many=True), summary="按技术需求匹配专家")
    def post(self, request: Request) -> Response:
        _manager(request)
        ser = s.MatchInSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        try:
            found = services.experts_for_text(d["text"], d["chain"] or None, k=d["k"])
        except services.ReviewError as exc:
            return _bad(exc)
        return Response([{"expert_id": m.expert.pk, "name": m.expert.name, "organization": m.expert.org_label,
                          "title": m.expert.title, "score": m.score, "reasons": m.reasons} for m in found])
