import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/config';
import { today } from './dates';

/**
 * The one place that knows "today": the current calendar date in the business time zone
 * (BUSINESS_TIME_ZONE, default UTC). Injected wherever a rule needs today; a test pins it with
 * `jest.spyOn(app.get(Clock), 'today')`.
 */
@Injectable()
export class Clock {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  today(): string {
    return today(this.config.businessTimeZone);
  }
}
