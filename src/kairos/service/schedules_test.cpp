#include "kairos/service/schedules.hpp"

#include <gtest/gtest.h>

#include "kairos/service/event_types.hpp"

namespace kairos::service {
namespace {

booking::WeeklySpan Span(int day, int start_h, int end_h) {
  return {day, {TimeOfDay{start_h * 3600}, TimeOfDay{end_h * 3600}}};
}

std::string FieldOf(const Status& s) { return s.ok() ? "" : s.error().field; }

TEST(ScheduleRules, NameTheOffendingField) {
  ScheduleFields f;
  EXPECT_EQ(FieldOf(ValidateScheduleFields(f, true)), "name");
  EXPECT_TRUE(ValidateScheduleFields(f, false).ok()) << "an update may change nothing";
  f.name = "Week";
  f.time_zone = "Nowhere/Special";
  EXPECT_EQ(FieldOf(ValidateScheduleFields(f, true)), "time_zone");
  f.time_zone = "Asia/Kolkata";
  f.weekly = {Span(1, 9, 12), Span(2, 9, 12), Span(1, 11, 13)};
  EXPECT_EQ(FieldOf(ValidateScheduleFields(f, true)), "weekly[2].start");
  f.weekly = {Span(1, 12, 9)};
  EXPECT_EQ(FieldOf(ValidateScheduleFields(f, true)), "weekly[0].end");
  f.weekly = {Span(7, 22, 24), Span(1, 0, 1)};
  EXPECT_TRUE(ValidateScheduleFields(f, true).ok());
  Date d = date::year{2027} / 3 / 1;
  f.overrides = {{d, {}}, {d, {}}};
  EXPECT_EQ(FieldOf(ValidateScheduleFields(f, true)), "overrides[1].date");
  f.overrides = {{d, {Span(1, 9, 11).span, Span(1, 10, 12).span}}};
  EXPECT_EQ(FieldOf(ValidateScheduleFields(f, true)), "overrides[0].intervals[1].start");
}

TEST(EventTypeRules, NameTheOffendingField) {
  EventTypeFields f;
  EXPECT_EQ(FieldOf(ValidateEventTypeFields(f, true)), "slug");
  f.slug = "intro";
  f.title = "Intro";
  f.duration_minutes = 30;
  EXPECT_TRUE(ValidateEventTypeFields(f, true).ok());
  f.booking_window = booking::BookingWindow{booking::WindowKind::kRolling, std::nullopt, std::nullopt, std::nullopt};
  EXPECT_EQ(FieldOf(ValidateEventTypeFields(f, true)), "booking_window.days");
  f.booking_window = booking::BookingWindow{booking::WindowKind::kRange, std::nullopt, date::year{2027} / 3 / 2,
                                            date::year{2027} / 3 / 1};
  EXPECT_EQ(FieldOf(ValidateEventTypeFields(f, true)), "booking_window.end_date");
  f.booking_window.reset();
  f.questions = std::vector<booking::Question>{{"topic", "Topic", booking::QuestionType::kSelect, true, {}}};
  EXPECT_EQ(FieldOf(ValidateEventTypeFields(f, true)), "questions[0].options");
  f.questions = std::vector<booking::Question>{{"a", "A", booking::QuestionType::kText, false, {}},
                                               {"a", "B", booking::QuestionType::kEmail, false, {}}};
  EXPECT_EQ(FieldOf(ValidateEventTypeFields(f, true)), "questions[1].name");
  f.questions.reset();
  f.hold_minutes = 31;
  EXPECT_EQ(FieldOf(ValidateEventTypeFields(f, true)), "hold_minutes");
}

TEST(EventTypeRules, QuestionsRoundTripThroughTheirStoredForm) {
  std::vector<booking::Question> qs = {{"topic", "Topic", booking::QuestionType::kSelect, true, {"a", "b"}},
                                       {"phone", "Phone", booking::QuestionType::kPhone, false, {}}};
  EXPECT_EQ(booking::QuestionsFromJson(booking::QuestionsToJson(qs)), qs);
  EXPECT_TRUE(booking::QuestionsFromJson("not json").empty());
}

}  // namespace
}  // namespace kairos::service
